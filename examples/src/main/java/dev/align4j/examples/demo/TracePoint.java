package dev.align4j.examples.demo;

/**
 * One point of the β = 0 run.
 *
 * @param iteration RL iteration (0 = the SFT model)
 * @param kl exact sequence KL to the SFT model
 * @param gold gold accuracy
 * @param proxy mean reward-model score
 * @param filler filler rate
 * @param goldStandardError standard error of {@code gold} (tasks as units)
 * @param proxyStandardError standard error of {@code proxy}
 */
record TracePoint(long iteration, double kl, double gold, double proxy, double filler, double goldStandardError,
    double proxyStandardError) {
  double sqrtKl() {
    return Math.sqrt(Math.max(0, kl));
  }
}
