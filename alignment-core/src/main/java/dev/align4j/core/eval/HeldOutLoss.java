package dev.align4j.core.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.core.model.CompletionLogprobs;
import dev.align4j.api.TrainablePolicy;
import dev.align4j.api.data.PolicyTokenizer;
import dev.align4j.core.runtime.DjlSetup;
import java.util.ArrayList;
import java.util.List;

/**
 * The SFT loss (mean NLL per completion token) of held-out demonstrations under a policy. Its drift after RL or DPO
 * measures forgetting: how far the policy moved from imitating the demonstrations it started from.
 */
public final class HeldOutLoss {
  private HeldOutLoss() {}

  public static double of(TrainablePolicy policy, List<Demonstration> demos, int batch) {
    PolicyTokenizer tokens = policy.tokenizer();
    List<TokenizedSequence> seqs = new ArrayList<>();
    for (Demonstration d : demos) {
      seqs.add(tokens.demonstration(d));
    }
    double nll = 0;
    double count = 0;
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager m = DjlSetup.newManager()) {
      for (int i = 0; i < seqs.size(); i += batch) {
        List<TokenizedSequence> part = seqs.subList(i, Math.min(seqs.size(), i + batch));
        try (NDManager mb = m.newSubManager()) {
          for (float v : CompletionLogprobs.sums(mb, policy, part).toFloatArray()) {
            nll -= v;
          }
        }
        for (float c : CompletionLogprobs.counts(part)) {
          count += c;
        }
      }
    } finally {
      JniUtils.setGradMode(gradMode);
    }
    return nll / count;
  }
}
