"""Point the relative imports of mlir-tblgen's generated op classes at the
upstream ``mlir`` package (they are written for a module inside it)."""

import sys

src, dst = sys.argv[1], sys.argv[2]
text = open(src).read()
text = text.replace("from ._ods_common import", "from mlir.dialects._ods_common import")
text = text.replace("from .._mlir_libs import", "from mlir._mlir_libs import")
text = text.replace("from . import _ods_common", "from mlir.dialects import _ods_common")
open(dst, "w").write(text)
