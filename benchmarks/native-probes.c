// The two machine limits of benchmarks/README.md measured natively, to compare with the JMH probes (Probes.java):
// one core streaming 256 MiB of floats, and a vectorised expf (the same Cody-Waite + Cephes polynomial) over an
// L1-resident buffer. Not part of the build:
//
//   gcc -O3 -march=native -o /tmp/native-probes benchmarks/native-probes.c && /tmp/native-probes
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static inline float expf_poly(float x) {
  float t = x * 1.44269504088896341f + 12582912.f;
  float n = t - 12582912.f;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float e = p * r * r + r + 1.f;
  int32_t b;
  memcpy(&b, &t, 4);
  b = (b << 23) + (127 << 23);
  float s;
  memcpy(&s, &b, 4);
  return e * s;
}

int main(void) {
  size_t n = (size_t) 64 << 20;
  float *a = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++) a[i] = (float) (i % 1000) * 1e-3f;
  double best = 1e9;
  float sink = 0;
  for (int rep = 0; rep < 20; rep++) {
    double t0 = now();
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t i = 0; i < n; i += 4) { s0 += a[i]; s1 += a[i + 1]; s2 += a[i + 2]; s3 += a[i + 3]; }
    double t = now() - t0;
    sink += s0 + s1 + s2 + s3;
    if (t < best) best = t;
  }
  printf("memory: %.1f GB/s (best of 20 passes over %zu MiB)\n", n * 4.0 / best / 1e9, n * 4 >> 20);
  static float x[4096];
  for (int i = 0; i < 4096; i++) x[i] = -20.0f * (float) ((i * 7919) % 4096) / 4096.0f;
  best = 1e9;
  for (int rep = 0; rep < 20; rep++) {
    double t0 = now();
    for (int k = 0; k < 5000; k++) {
      float s = 0;
      for (int i = 0; i < 4096; i++) s += expf_poly(x[i]);
      sink += s;
    }
    double t = now() - t0;
    if (t < best) best = t;
  }
  printf("exp: %.2f G/s (best of 20 rounds of 5000 x 4096)\n", 5000.0 * 4096 / best / 1e9);
  return sink == 42.0f;
}
