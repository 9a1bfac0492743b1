/*
 * A stand-in NVIDIA driver (libcuda.so.1) for the loader's fallback tests on machines without a GPU: the statically
 * linked CUDA runtime finds it through LD_LIBRARY_PATH. It reports the driver version in A4J_FAKE_DRIVER_VERSION
 * (default 13000) and answers cuInit, and every other entry point, with A4J_FAKE_INIT_RESULT (default 100,
 * CUDA_ERROR_NO_DEVICE). A result of 0 would make the runtime read outputs this stand-in never writes: keep it
 * non-zero. StartupFallbackTest compiles it with the system C compiler.
 */
#include <stdlib.h>
#include <string.h>

typedef int CUresult;

static int env_int(const char* name, int fallback) {
  const char* v = getenv(name);
  return v != NULL && *v != '\0' ? atoi(v) : fallback;
}

static CUresult fail(void) { return env_int("A4J_FAKE_INIT_RESULT", 100); }

CUresult cuInit(unsigned flags) {
  (void)flags;
  return fail();
}

CUresult cuDriverGetVersion(int* version) {
  *version = env_int("A4J_FAKE_DRIVER_VERSION", 13000);
  return 0;
}

CUresult cuGetProcAddress_v2(const char* symbol, void** pfn, int version, unsigned long long flags, int* status) {
  (void)version;
  (void)flags;
  if (status != NULL) *status = 0;
  if (strcmp(symbol, "cuInit") == 0) {
    *pfn = (void*)cuInit;
  } else if (strcmp(symbol, "cuDriverGetVersion") == 0) {
    *pfn = (void*)cuDriverGetVersion;
  } else if (strcmp(symbol, "cuGetProcAddress") == 0) {
    *pfn = (void*)cuGetProcAddress_v2;
  } else {
    *pfn = (void*)fail;
  }
  return 0;
}

CUresult cuGetProcAddress(const char* symbol, void** pfn, int version, unsigned long long flags) {
  return cuGetProcAddress_v2(symbol, pfn, version, flags, NULL);
}
