# lit configuration for the ll dialect (plain: pip's lit has no llvm config).
import os

import lit.formats

config.name = "linear-layouts"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.ll_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "python", "unit", "Inputs"]
config.environment["PATH"] = os.pathsep.join(
    [config.ll_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")]
)
