//===- MLIRModule.cpp - The ll dialect in the upstream mlir package -------===//
//
// `linear_layouts._mlir`: registers the `ll` dialect and its passes into the
// MLIR that the upstream `mlir` Python package carries (this module links
// that package's libMLIRPythonCAPI.so, so there is one MLIR in the process),
// and converts layout attributes to their linear form. Goes through the C
// API (linear_layouts-c/Dialects.h) and MLIR's nanobind casters.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts-c/Dialects.h"

#include "mlir-c/IR.h"
#include "mlir-c/Target/LLVMIR.h"
#include "llvm-c/Core.h"
#include "llvm-c/Support.h"
#include "llvm-c/BitReader.h"
#include "llvm-c/IRReader.h"
#include "llvm-c/Linker.h"
#include "llvm-c/Target.h"
#include "llvm-c/TargetMachine.h"
#include "llvm-c/Transforms/PassBuilder.h"
#include "mlir/Bindings/Python/NanobindAdaptors.h"

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <stdexcept>

namespace nb = nanobind;
using namespace nb::literals;

namespace {

/// Links the bitcode libraries `paths` (libdevice, OCML, ...) into `mod`:
/// what they define becomes internal, so the optimizer keeps only what the
/// kernel calls. An error message, or "" on success.
std::string linkLibraries(LLVMContextRef ctx, LLVMModuleRef mod,
                          const std::vector<std::string> &paths) {
  if (paths.empty())
    return "";
  std::vector<std::string> own;
  for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f))
    if (!LLVMIsDeclaration(f)) {
      size_t n;
      own.emplace_back(LLVMGetValueName2(f, &n), n);
    }
  for (const std::string &path : paths) {
    LLVMMemoryBufferRef buf;
    char *err = nullptr;
    if (LLVMCreateMemoryBufferWithContentsOfFile(path.c_str(), &buf, &err)) {
      std::string m = "cannot read " + path + ": " + (err ? err : "");
      LLVMDisposeMessage(err);
      return m;
    }
    LLVMModuleRef lib;
    bool bad = LLVMParseBitcodeInContext2(ctx, buf, &lib);
    LLVMDisposeMemoryBuffer(buf);
    if (bad)
      return "cannot parse the bitcode of " + path;
    LLVMSetTarget(lib, LLVMGetTarget(mod));
    LLVMSetDataLayout(lib, LLVMGetDataLayoutStr(mod));
    if (LLVMLinkModules2(mod, lib))
      return "cannot link " + path;
  }
  for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f)) {
    size_t n;
    std::string name(LLVMGetValueName2(f, &n), n);
    if (!LLVMIsDeclaration(f) &&
        std::find(own.begin(), own.end(), name) == own.end())
      LLVMSetLinkage(f, LLVMInternalLinkage);
  }
  for (LLVMValueRef g = LLVMGetFirstGlobal(mod); g; g = LLVMGetNextGlobal(g))
    if (!LLVMIsDeclaration(g) && LLVMGetLinkage(g) == LLVMExternalLinkage &&
        LLVMGetGlobalParent(g) == mod && LLVMGetInitializer(g) &&
        LLVMIsGlobalConstant(g))
      LLVMSetLinkage(g, LLVMInternalLinkage);
  return "";
}

/// The module of LLVM IR text `ir` in `ctx`; on a parse error `ctx` is
/// disposed of and RuntimeError says why.
LLVMModuleRef parseIR(LLVMContextRef ctx, const std::string &ir) {
  LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(
      ir.data(), ir.size(), "module");
  LLVMModuleRef mod;
  char *err = nullptr;
  if (LLVMParseIRInContext(ctx, buf, &mod, &err)) {
    std::string m = std::string("the LLVM IR does not parse: ") + (err ? err : "");
    LLVMDisposeMessage(err);
    LLVMContextDispose(ctx);
    throw std::runtime_error(m);
  }
  return mod;
}

/// LLVM IR text with the bitcode libraries `paths` linked in (internal) and
/// what the module does not use dropped.
std::string linkIR(const std::string &ir, const std::vector<std::string> &paths,
                   const std::string &pipeline) {
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = parseIR(ctx, ir);
  std::string m = linkLibraries(ctx, mod, paths);
  if (m.empty()) {
    LLVMPassBuilderOptionsRef pbo = LLVMCreatePassBuilderOptions();
    if (LLVMErrorRef e = LLVMRunPasses(mod, pipeline.c_str(), nullptr, pbo)) {
      char *msg = LLVMGetErrorMessage(e);
      m = "the pipeline " + pipeline + " failed: " + msg;
      LLVMDisposeErrorMessage(msg);
    }
    LLVMDisposePassBuilderOptions(pbo);
  }
  std::string text;
  if (m.empty()) {
    char *s = LLVMPrintModuleToString(mod);
    text = s;
    LLVMDisposeMessage(s);
  }
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  if (!m.empty())
    throw std::runtime_error(m);
  return text;
}

void initNVPTX() {
  static bool initialized = [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
    // 32-bit shared-memory pointers (as Triton sets them): addresses of
    // ld/st.shared are 32-bit registers, not 64-bit generic-size ones.
    const char *argv[] = {"linear-layouts", "-nvptx-short-ptr"};
    LLVMParseCommandLineOptions(2, argv, nullptr);
    return true;
  }();
  (void)initialized;
}

/// LLVM's O3, then the masked loads / stores of the lowering (AMD, 8-bit
/// NVIDIA) expanded to one guarded access each (what the back end would
/// do) and their declarations dropped: the installed Triton's LLVM may
/// spell llvm.masked.* differently (22.1 moved the alignment into an
/// attribute; Triton 3.6's 22.0 rejects that declaration, aborting).
constexpr const char *kOptimize =
    "default<O3>,function(scalarize-masked-mem-intrin),strip-dead-prototypes";

/// The loops the lowering kept from LLVM's unroller (`llvm.loop.unroll.
/// disable`: tensor-core main loops, which LLVM would fully unroll where it
/// leaves Triton's rolled) are left to ptxas after O3, as Triton's are: the
/// metadata goes (NVPTX would print it as `.pragma "nounroll"`).
void leaveLoopsToPtxas(LLVMContextRef ctx, LLVMModuleRef mod) {
  unsigned loop = LLVMGetMDKindIDInContext(ctx, "llvm.loop", 9);
  auto isDisable = [](LLVMValueRef node) {
    if (!LLVMIsAMDNode(node) || !LLVMGetMDNodeNumOperands(node))
      return false;
    std::vector<LLVMValueRef> ops(LLVMGetMDNodeNumOperands(node));
    LLVMGetMDNodeOperands(node, ops.data());
    unsigned len = 0;
    const char *s = ops[0] ? LLVMGetMDString(ops[0], &len) : nullptr;
    return s && std::string(s, len) == "llvm.loop.unroll.disable";
  };
  for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f))
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb;
         bb = LLVMGetNextBasicBlock(bb)) {
      LLVMValueRef t = LLVMGetBasicBlockTerminator(bb);
      LLVMValueRef md = t ? LLVMGetMetadata(t, loop) : nullptr;
      if (!md)
        continue;
      std::vector<LLVMValueRef> ops(LLVMGetMDNodeNumOperands(md));
      LLVMGetMDNodeOperands(md, ops.data());
      for (LLVMValueRef op : ops)
        if (op && isDisable(op)) {
          LLVMSetMetadata(t, loop, nullptr);
          break;
        }
    }
}

/// Takes `mod` (and its context `ctx`) over: sets the target's data layout,
/// links the bitcode libraries `link`, runs LLVM's O3 pipeline and returns
/// the optimized IR text, or with `asmOut` the target's assembly (PTX for
/// nvptx64). Both are disposed of, also when it throws.
std::string optimizeAndPrint(LLVMContextRef ctx, LLVMModuleRef mod,
                             const std::string &triple, const std::string &cpu,
                             const std::string &features,
                             const std::vector<std::string> &link,
                             bool asmOut) {
  LLVMTargetMachineRef tm = nullptr;
  auto fail = [&](std::string msg, char *detail) {
    if (detail) {
      msg += ": ";
      msg += detail;
      LLVMDisposeMessage(detail);
    }
    if (tm)
      LLVMDisposeTargetMachine(tm);
    LLVMDisposeModule(mod);
    LLVMContextDispose(ctx);
    throw std::runtime_error(msg);
  };
  char *err = nullptr;
  LLVMTargetRef target;
  if (LLVMGetTargetFromTriple(triple.c_str(), &target, &err))
    fail("no LLVM target for " + triple, err);
  LLVMSetTarget(mod, triple.c_str());
  tm = LLVMCreateTargetMachine(target, triple.c_str(), cpu.c_str(),
                               features.c_str(), LLVMCodeGenLevelAggressive,
                               LLVMRelocDefault, LLVMCodeModelDefault);
  LLVMTargetDataRef dl = LLVMCreateTargetDataLayout(tm);
  LLVMSetModuleDataLayout(mod, dl);
  LLVMDisposeTargetData(dl);
  if (!link.empty()) {
    std::string m = linkLibraries(ctx, mod, link);
    if (!m.empty())
      fail(m, nullptr);
    // libdevice asks __nvvm_reflect("__CUDA_FTZ"): no flush to zero.
    LLVMTypeRef i32 = LLVMInt32TypeInContext(ctx);
    LLVMAddModuleFlag(mod, LLVMModuleFlagBehaviorOverride, "nvvm-reflect-ftz",
                      16, LLVMValueAsMetadata(LLVMConstInt(i32, 0, 0)));
  }
  // LLVM's O3 pipeline first (as Triton runs before its back end: SLP
  // vectorization packs 16-bit arithmetic, instcombine folds addressing).
  LLVMPassBuilderOptionsRef pbo = LLVMCreatePassBuilderOptions();
  LLVMErrorRef runErr = LLVMRunPasses(mod, kOptimize, tm, pbo);
  LLVMDisposePassBuilderOptions(pbo);
  if (LLVMErrorRef e = runErr) {
    char *msg = LLVMGetErrorMessage(e);
    std::string m = std::string("the LLVM optimization pipeline failed: ") + msg;
    LLVMDisposeErrorMessage(msg);
    fail(m, nullptr);
  }
  leaveLoopsToPtxas(ctx, mod);
  std::string result;
  if (!asmOut) { // the optimized, linked LLVM IR
    char *text = LLVMPrintModuleToString(mod);
    result = text;
    LLVMDisposeMessage(text);
  } else {
    LLVMMemoryBufferRef out;
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMAssemblyFile, &err,
                                            &out))
      fail("code generation failed", err);
    result.assign(LLVMGetBufferStart(out), LLVMGetBufferSize(out));
    LLVMDisposeMemoryBuffer(out);
  }
  LLVMDisposeTargetMachine(tm);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  return result;
}

/// Assembly (PTX for nvptx64), or the optimized IR, of LLVM IR text, in
/// process through the LLVM that the wheels' libLLVM.so carries (targets:
/// NVPTX, not AMDGPU).
std::string emitAsm(const std::string &ir, const std::string &triple,
                    const std::string &cpu, const std::string &features,
                    const std::vector<std::string> &link, bool asmOut) {
  initNVPTX();
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = parseIR(ctx, ir);
  return optimizeAndPrint(ctx, mod, triple, cpu, features, link, asmOut);
}

/// The same from an LLVM-dialect module, translated in memory: no LLVM IR
/// text is printed and parsed again between MLIR and LLVM's optimizer.
std::string optimizeModule(MlirOperation module, const std::string &triple,
                           const std::string &cpu, const std::string &features,
                           const std::vector<std::string> &link) {
  initNVPTX();
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = mlirTranslateModuleToLLVMIR(module, ctx);
  if (!mod) {
    LLVMContextDispose(ctx);
    throw std::runtime_error("the module does not translate to LLVM IR "
                             "(the diagnostics say why)");
  }
  return optimizeAndPrint(ctx, mod, triple, cpu, features, link,
                          /*asmOut=*/false);
}

} // namespace

NB_MODULE(_mlir, m) {
  m.doc() = "The ll dialect registered into the upstream mlir package";

  m.def(
      "register_dialect",
      [](MlirContext context, bool load) {
        MlirDialectHandle h = mlirGetDialectHandle__ll__();
        mlirDialectHandleRegisterDialect(h, context);
        if (load) {
          mlirDialectHandleLoadDialect(h, context);
          llLoadTritonDialects(context);
        }
      },
      "context"_a.none() = nb::none(), "load"_a = true,
      "Register (and load) the ll dialect in an mlir.ir.Context (default: "
      "the current one).");

  m.def(
      "optimize_ir",
      [](const std::string &ir, const std::string &triple,
         const std::string &cpu, const std::string &features,
         const std::vector<std::string> &link) {
        return emitAsm(ir, triple, cpu, features, link, /*asmOut=*/false);
      },
      "llvm_ir"_a, "triple"_a, "cpu"_a, "features"_a,
      "link"_a = std::vector<std::string>(),
      "LLVM IR text with the target's data layout, the bitcode libraries "
      "`link` linked in and LLVM's O3 pipeline run (what Triton's llir "
      "stage hands to its back end). RuntimeError on bad IR.");
  m.def("optimize_module", &optimizeModule, "module"_a, "triple"_a, "cpu"_a,
        "features"_a, "link"_a = std::vector<std::string>(),
        "optimize_ir for an LLVM-dialect module (an mlir.ir.Operation), "
        "translated to LLVM IR in memory. RuntimeError when it does not "
        "translate.");
  m.def(
      "emit_asm",
      [](const std::string &ir, const std::string &triple,
         const std::string &cpu, const std::string &features,
         const std::vector<std::string> &link) {
        return emitAsm(ir, triple, cpu, features, link, /*asmOut=*/true);
      },
      "llvm_ir"_a, "triple"_a, "cpu"_a, "features"_a,
      "link"_a = std::vector<std::string>(),
        "Assembly of LLVM IR text for a target triple (nvptx64-nvidia-cuda "
        "gives PTX), in process, with the bitcode libraries `link` linked "
        "in. RuntimeError on bad IR or an unknown target.");
  m.def("link_ir", &linkIR, "llvm_ir"_a, "paths"_a,
        "pipeline"_a = std::string("globaldce"),
        "LLVM IR text with the bitcode libraries `paths` linked in (their "
        "definitions internal), then the new-pass-manager `pipeline` run "
        "without a target machine (default: drop what is unused). "
        "RuntimeError on bad input.");

  m.def("register_passes", &llRegisterPasses,
        "Make ll-legacy-to-linear, ll-remove-conversions and "
        "ll-plan-conversions available to mlir.passmanager.PassManager.");

  m.def(
      "import_llvm_ir",
      [](const std::string &text, MlirContext ctx) {
        std::string err;
        MlirModule mod = llImportLLVMIR(
            ctx, mlirStringRefCreate(text.data(), text.size()),
            [](MlirStringRef s, void *user) {
              static_cast<std::string *>(user)->append(s.data, s.length);
            },
            &err);
        if (mlirModuleIsNull(mod))
          throw std::runtime_error(err);
        return mod;
      },
      "text"_a, "context"_a,
      "LLVM IR text (Triton's `llir`) as an LLVM-dialect module in "
      "`context`, by MLIR's LLVM IR importer (NVVM intrinsics become NVVM "
      "ops). RuntimeError when it does not parse or import.");
  m.def(
      "target_name",
      [](MlirAttribute a) -> std::optional<std::string> {
        if (!llAttributeIsATarget(a))
          return std::nullopt;
        MlirStringRef s = llTargetAttrGetName(a);
        return std::string(s.data, s.length);
      },
      "attr"_a,
      "The name of a #ll.target attribute (the module attribute ll.target), "
      "else None.");
  m.def(
      "is_layout", [](MlirAttribute a) { return llAttributeIsLayout(a); },
      "attr"_a, "True for ll layout attributes.");
  m.def(
      "is_shared_layout",
      [](MlirAttribute a) { return llAttributeIsSharedLayout(a); }, "attr"_a,
      "True for ll memory layouts.");

  m.def(
      "linear_attr",
      [](MlirAttribute a, std::vector<int64_t> shape) {
        std::string err;
        MlirAttribute r = llLayoutGetLinear(
            a, static_cast<intptr_t>(shape.size()), shape.data(),
            [](MlirStringRef s, void *user) {
              static_cast<std::string *>(user)->append(s.data, s.length);
            },
            &err);
        if (mlirAttributeIsNull(r))
          throw nb::value_error(err.c_str());
        return r;
      },
      "attr"_a, "shape"_a,
      "The #ll.linear / #ll.shared attribute equal to a layout attribute for "
      "a tensor shape.");
}
