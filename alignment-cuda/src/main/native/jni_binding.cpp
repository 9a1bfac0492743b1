// JNI methods of dev.align4j.cuda.NativeCuda over the C ABI of align4j_cuda.h.
//
// The generated header dev_align4j_cuda_NativeCuda.h comes from `javac -h` on the Java class during the same build:
// each definition below must match its declaration there, so a Java signature change that is not followed here stops
// the compile ("conflicting declaration of C function"). JNI_OnLoad then registers every method by name and
// descriptor, which fails the load if the Java class lacks one of them; NativeBindingTest checks that the table
// covers every native method of the class.
//
// Arrays are pinned with GetPrimitiveArrayCritical for the length of one copy, so a copy from a Java array reads the
// heap directly, without an intermediate buffer (the garbage collector waits meanwhile).
#include <jni.h>
#include <stdlib.h>
#include <string.h>

#include "align4j_cuda.h"
#include "dev_align4j_cuda_NativeCuda.h"

namespace {

constexpr jint DEVICE = 0;
constexpr jint HOST_EMULATION = 1;

// cudaError_t values used without the CUDA headers.
constexpr jint ERR_INVALID_VALUE = 1;
constexpr jint ERR_MEMORY_ALLOCATION = 2;

struct Ops {
  A4J_OP_TOKEN_LOGPROBS_ENTROPY((*token_logprobs_entropy));
  A4J_OP_FULL_KL((*full_kl));
  A4J_OP_KL_PER_TOKEN((*kl_per_token));
  A4J_OP_KL_PENALIZED_REWARDS((*kl_penalized_rewards));
  A4J_OP_GAE((*gae));
  A4J_OP_WHITEN((*whiten));
  A4J_OP_GROUP_ADVANTAGES((*group_advantages));
};

const Ops DEVICE_OPS = {a4j_token_logprobs_entropy, a4j_full_kl,  a4j_kl_per_token,    a4j_kl_penalized_rewards,
                        a4j_gae,                    a4j_whiten,   a4j_group_advantages};
const Ops EMULATION_OPS = {a4j_emu_token_logprobs_entropy, a4j_emu_full_kl, a4j_emu_kl_per_token,
                           a4j_emu_kl_penalized_rewards,   a4j_emu_gae,     a4j_emu_whiten,
                           a4j_emu_group_advantages};

const Ops& ops(jint backend) { return backend == HOST_EMULATION ? EMULATION_OPS : DEVICE_OPS; }

template <class T>
T* ptr(jlong address) {
  return reinterpret_cast<T*>(static_cast<intptr_t>(address));
}

int copy_in(jint backend, void* dst, const void* src, size_t bytes) {
  if (backend == HOST_EMULATION) {
    if (bytes != 0) memcpy(dst, src, bytes);
    return 0;
  }
  return a4j_copy_to_device(dst, src, bytes);
}

int copy_out(jint backend, void* dst, const void* src, size_t bytes) {
  if (backend == HOST_EMULATION) {
    if (bytes != 0) memcpy(dst, src, bytes);
    return 0;
  }
  return a4j_copy_to_host(dst, src, bytes);
}

// Copies between a pinned Java array and memory of the backend; `in` copies from the array.
jint array_copy(JNIEnv* env, jint backend, jlong address, jarray array, jint offset, jint count, size_t element,
                bool in) {
  char* base = static_cast<char*>(env->GetPrimitiveArrayCritical(array, nullptr));
  if (base == nullptr) return ERR_MEMORY_ALLOCATION;  // an OutOfMemoryError is pending
  char* first = base + static_cast<size_t>(offset) * element;
  size_t bytes = static_cast<size_t>(count) * element;
  int rc = in ? copy_in(backend, ptr<void>(address), first, bytes) : copy_out(backend, first, ptr<void>(address), bytes);
  env->ReleasePrimitiveArrayCritical(array, base, in ? JNI_ABORT : 0);
  return rc;
}

jint buffer_copy(JNIEnv* env, jint backend, jlong address, jobject buffer, jlong byte_offset, jlong bytes, bool in) {
  char* base = static_cast<char*>(env->GetDirectBufferAddress(buffer));
  if (base == nullptr) return ERR_INVALID_VALUE;  // not a direct buffer
  char* first = base + byte_offset;
  return in ? copy_in(backend, ptr<void>(address), first, static_cast<size_t>(bytes))
            : copy_out(backend, first, ptr<void>(address), static_cast<size_t>(bytes));
}

}  // namespace

extern "C" {

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_abiVersion(JNIEnv*, jclass) { return a4j_abi_version(); }

JNIEXPORT jstring JNICALL Java_dev_align4j_cuda_NativeCuda_errorName(JNIEnv* env, jclass, jint code) {
  return env->NewStringUTF(a4j_error_name(code));
}

JNIEXPORT jstring JNICALL Java_dev_align4j_cuda_NativeCuda_errorString(JNIEnv* env, jclass, jint code) {
  return env->NewStringUTF(a4j_error_string(code));
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_versions(JNIEnv* env, jclass, jintArray out) {
  int versions[2] = {0, 0};
  int rc = a4j_versions(&versions[0], &versions[1]);
  env->SetIntArrayRegion(out, 0, 2, versions);
  return rc;
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_deviceCount(JNIEnv* env, jclass, jintArray out) {
  int count = 0;
  int rc = a4j_device_count(&count);
  jint value = count;
  env->SetIntArrayRegion(out, 0, 1, &value);
  return rc;
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_deviceInfo(JNIEnv* env, jclass, jint device,
                                                                   jlongArray numbers, jobjectArray name) {
  a4j_device_info info;
  memset(&info, 0, sizeof(info));
  int rc = a4j_device_info_get(device, &info);
  if (rc != 0) return rc;
  jlong values[7] = {info.major,          info.minor,           info.multiprocessors,          info.memory_pools,
                     info.driver_version, info.runtime_version, static_cast<jlong>(info.total_memory)};
  env->SetLongArrayRegion(numbers, 0, 7, values);
  jstring text = env->NewStringUTF(info.name);
  if (text == nullptr) return ERR_MEMORY_ALLOCATION;
  env->SetObjectArrayElement(name, 0, text);
  return 0;
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_selfTest(JNIEnv*, jclass) { return a4j_self_test(); }

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_malloc(JNIEnv* env, jclass, jint backend, jlong bytes,
                                                               jlongArray address) {
  void* p = nullptr;
  int rc = 0;
  if (backend == HOST_EMULATION) {
    if (bytes > 0) {
      p = malloc(static_cast<size_t>(bytes));
      if (p == nullptr) rc = ERR_MEMORY_ALLOCATION;
    }
  } else {
    rc = a4j_malloc(&p, static_cast<size_t>(bytes));
  }
  jlong value = static_cast<jlong>(reinterpret_cast<intptr_t>(p));
  env->SetLongArrayRegion(address, 0, 1, &value);
  return rc;
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_free(JNIEnv*, jclass, jint backend, jlong address) {
  if (backend == HOST_EMULATION) {
    free(ptr<void>(address));
    return 0;
  }
  return a4j_free(ptr<void>(address));
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_copyFloatsIn(JNIEnv* env, jclass, jint backend, jlong dst,
                                                                     jfloatArray src, jint offset, jint count) {
  return array_copy(env, backend, dst, src, offset, count, sizeof(jfloat), true);
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_copyIntsIn(JNIEnv* env, jclass, jint backend, jlong dst,
                                                                   jintArray src, jint offset, jint count) {
  return array_copy(env, backend, dst, src, offset, count, sizeof(jint), true);
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_copyFloatsOut(JNIEnv* env, jclass, jint backend, jlong src,
                                                                      jfloatArray dst, jint offset, jint count) {
  return array_copy(env, backend, src, dst, offset, count, sizeof(jfloat), false);
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_copyIntsOut(JNIEnv* env, jclass, jint backend, jlong src,
                                                                    jintArray dst, jint offset, jint count) {
  return array_copy(env, backend, src, dst, offset, count, sizeof(jint), false);
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_copyBufferIn(JNIEnv* env, jclass, jint backend, jlong dst,
                                                                     jobject src, jlong byte_offset, jlong bytes) {
  return buffer_copy(env, backend, dst, src, byte_offset, bytes, true);
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_copyBufferOut(JNIEnv* env, jclass, jint backend, jlong src,
                                                                      jobject dst, jlong byte_offset, jlong bytes) {
  return buffer_copy(env, backend, src, dst, byte_offset, bytes, false);
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_copyWithin(JNIEnv*, jclass, jint backend, jlong dst,
                                                                   jlong src, jlong bytes) {
  if (backend == HOST_EMULATION) {
    if (bytes > 0) memmove(ptr<void>(dst), ptr<void>(src), static_cast<size_t>(bytes));
    return 0;
  }
  return a4j_copy_device_to_device(ptr<void>(dst), ptr<void>(src), static_cast<size_t>(bytes));
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_synchronize(JNIEnv*, jclass, jint backend) {
  return backend == HOST_EMULATION ? 0 : a4j_synchronize();
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_eventCreate(JNIEnv* env, jclass, jlongArray out) {
  void* event = nullptr;
  int rc = a4j_event_create(&event);
  jlong value = static_cast<jlong>(reinterpret_cast<intptr_t>(event));
  env->SetLongArrayRegion(out, 0, 1, &value);
  return rc;
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_eventRecord(JNIEnv*, jclass, jlong event) {
  return a4j_event_record(ptr<void>(event));
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_eventElapsedMillis(JNIEnv* env, jclass, jlong start,
                                                                           jlong end, jfloatArray out) {
  float ms = 0;
  int rc = a4j_event_elapsed_ms(ptr<void>(start), ptr<void>(end), &ms);
  jfloat value = ms;
  env->SetFloatArrayRegion(out, 0, 1, &value);
  return rc;
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_eventDestroy(JNIEnv*, jclass, jlong event) {
  return a4j_event_destroy(ptr<void>(event));
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_tokenLogprobsEntropy(JNIEnv*, jclass, jint backend,
                                                                             jlong logits, jlong tokens, jint rows,
                                                                             jint vocab, jfloat inv_temperature,
                                                                             jlong logprobs_out, jlong entropy_out) {
  return ops(backend).token_logprobs_entropy(ptr<const float>(logits), ptr<const int32_t>(tokens), rows, vocab,
                                             inv_temperature, ptr<float>(logprobs_out), ptr<float>(entropy_out),
                                             nullptr);
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_fullKl(JNIEnv*, jclass, jint backend, jlong logits,
                                                               jlong ref_logits, jint rows, jint vocab, jlong out) {
  return ops(backend).full_kl(ptr<const float>(logits), ptr<const float>(ref_logits), rows, vocab, ptr<float>(out),
                              nullptr);
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_klPerToken(JNIEnv*, jclass, jint backend, jlong logprobs,
                                                                   jlong ref_logprobs, jlong mask, jlong n,
                                                                   jint estimator, jlong out) {
  return ops(backend).kl_per_token(ptr<const float>(logprobs), ptr<const float>(ref_logprobs),
                                   ptr<const float>(mask), n, estimator, ptr<float>(out), nullptr);
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_klPenalizedRewards(
    JNIEnv*, jclass, jint backend, jlong scores, jlong logprobs, jlong ref_logprobs, jlong mask, jlong contain_eos,
    jint batch, jint time, jdouble kl_coef, jint estimator, jint placement, jint has_penalty, jdouble penalty,
    jlong rewards_out, jlong kl_out, jlong score_index_out) {
  return ops(backend).kl_penalized_rewards(ptr<const float>(scores), ptr<const float>(logprobs),
                                           ptr<const float>(ref_logprobs), ptr<const float>(mask),
                                           ptr<const float>(contain_eos), batch, time, kl_coef, estimator, placement,
                                           has_penalty, penalty, ptr<float>(rewards_out), ptr<float>(kl_out),
                                           ptr<int32_t>(score_index_out), nullptr);
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_gae(JNIEnv*, jclass, jint backend, jlong rewards,
                                                            jlong values, jlong mask, jint batch, jint time,
                                                            jdouble gamma, jdouble gamma_lambda, jint whiten_rewards,
                                                            jint placement, jlong advantages_out, jlong raw_out,
                                                            jlong returns_out) {
  return ops(backend).gae(ptr<const float>(rewards), ptr<const float>(values), ptr<const float>(mask), batch, time,
                          gamma, gamma_lambda, whiten_rewards, placement, ptr<float>(advantages_out),
                          ptr<float>(raw_out), ptr<float>(returns_out), nullptr);
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_whiten(JNIEnv*, jclass, jint backend, jlong values,
                                                               jlong mask, jlong n, jint keep_mean, jlong out) {
  return ops(backend).whiten(ptr<const float>(values), ptr<const float>(mask), n, keep_mean, ptr<float>(out),
                             nullptr);
}

JNIEXPORT jint JNICALL Java_dev_align4j_cuda_NativeCuda_groupAdvantages(JNIEnv*, jclass, jint backend, jlong rewards,
                                                                        jint count, jint functions, jint group_size,
                                                                        jint scaling, jint aggregation, jlong weights,
                                                                        jlong out) {
  return ops(backend).group_advantages(ptr<const float>(rewards), count, functions, group_size, scaling, aggregation,
                                       ptr<const float>(weights), ptr<float>(out), nullptr);
}

}  // extern "C"

namespace {

#define A4J_NATIVE(name, descriptor) \
  { const_cast<char*>(#name), const_cast<char*>(descriptor), reinterpret_cast<void*>(&Java_dev_align4j_cuda_NativeCuda_##name) }

// Every native method of NativeCuda, by name and JNI descriptor.
const JNINativeMethod METHODS[] = {
    A4J_NATIVE(abiVersion, "()I"),
    A4J_NATIVE(registeredMethods, "()[Ljava/lang/String;"),
    A4J_NATIVE(errorName, "(I)Ljava/lang/String;"),
    A4J_NATIVE(errorString, "(I)Ljava/lang/String;"),
    A4J_NATIVE(versions, "([I)I"),
    A4J_NATIVE(deviceCount, "([I)I"),
    A4J_NATIVE(deviceInfo, "(I[J[Ljava/lang/String;)I"),
    A4J_NATIVE(selfTest, "()I"),
    A4J_NATIVE(malloc, "(IJ[J)I"),
    A4J_NATIVE(free, "(IJ)I"),
    A4J_NATIVE(copyFloatsIn, "(IJ[FII)I"),
    A4J_NATIVE(copyIntsIn, "(IJ[III)I"),
    A4J_NATIVE(copyFloatsOut, "(IJ[FII)I"),
    A4J_NATIVE(copyIntsOut, "(IJ[III)I"),
    A4J_NATIVE(copyBufferIn, "(IJLjava/nio/Buffer;JJ)I"),
    A4J_NATIVE(copyBufferOut, "(IJLjava/nio/Buffer;JJ)I"),
    A4J_NATIVE(copyWithin, "(IJJJ)I"),
    A4J_NATIVE(synchronize, "(I)I"),
    A4J_NATIVE(eventCreate, "([J)I"),
    A4J_NATIVE(eventRecord, "(J)I"),
    A4J_NATIVE(eventElapsedMillis, "(JJ[F)I"),
    A4J_NATIVE(eventDestroy, "(J)I"),
    A4J_NATIVE(tokenLogprobsEntropy, "(IJJIIFJJ)I"),
    A4J_NATIVE(fullKl, "(IJJIIJ)I"),
    A4J_NATIVE(klPerToken, "(IJJJJIJ)I"),
    A4J_NATIVE(klPenalizedRewards, "(IJJJJJIIDIIIDJJJ)I"),
    A4J_NATIVE(gae, "(IJJJIIDDIIJJJ)I"),
    A4J_NATIVE(whiten, "(IJJJIJ)I"),
    A4J_NATIVE(groupAdvantages, "(IJIIIIIJJ)I"),
};

constexpr int METHOD_COUNT = sizeof(METHODS) / sizeof(METHODS[0]);

}  // namespace

extern "C" {

JNIEXPORT jobjectArray JNICALL Java_dev_align4j_cuda_NativeCuda_registeredMethods(JNIEnv* env, jclass) {
  jclass string_class = env->FindClass("java/lang/String");
  if (string_class == nullptr) return nullptr;
  jobjectArray out = env->NewObjectArray(METHOD_COUNT, string_class, nullptr);
  if (out == nullptr) return nullptr;
  for (int i = 0; i < METHOD_COUNT; i++) {
    char line[256];
    size_t name = strlen(METHODS[i].name);
    size_t descriptor = strlen(METHODS[i].signature);
    if (name + descriptor + 2 > sizeof(line)) return nullptr;
    memcpy(line, METHODS[i].name, name);
    line[name] = ' ';
    memcpy(line + name + 1, METHODS[i].signature, descriptor + 1);
    jstring text = env->NewStringUTF(line);
    if (text == nullptr) return nullptr;
    env->SetObjectArrayElement(out, i, text);
    env->DeleteLocalRef(text);
  }
  return out;
}

// Registers the table. A method missing from the Java class leaves its NoSuchMethodError pending, which System.load
// throws: the loader reports it in its one log line and the CPU provider serves.
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void*) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_10) != JNI_OK) return JNI_ERR;
  jclass cls = env->FindClass("dev/align4j/cuda/NativeCuda");
  if (cls == nullptr) return JNI_ERR;
  if (env->RegisterNatives(cls, METHODS, METHOD_COUNT) != JNI_OK) return JNI_ERR;
  return JNI_VERSION_10;
}

}  // extern "C"
