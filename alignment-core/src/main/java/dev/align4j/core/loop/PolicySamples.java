package dev.align4j.core.loop;

import dev.align4j.api.TrainablePolicy;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.Prompt;
import java.util.ArrayList;
import java.util.List;

/**
 * N completions of each prompt from one seeded generate call, kept per prompt as text (what labellers and reward
 * models see) and token ids (what the diversity measures count).
 *
 * @param texts {@code [prompt][sample]} decoded completions, special tokens removed
 * @param ids {@code [prompt][sample]} generated token ids
 */
record PolicySamples(List<List<String>> texts, List<List<int[]>> ids) {
  static PolicySamples of(TrainablePolicy policy, List<Prompt> prompts, int n, SamplingParams sampling, long seed) {
    List<int[]> rows = new ArrayList<>();
    for (Prompt p : prompts) {
      int[] ids = policy.tokenizer().prompt(p.prompt());
      for (int i = 0; i < n; i++) {
        rows.add(ids);
      }
    }
    List<Completion> out = policy.generate(rows, sampling, seed);
    List<List<String>> texts = new ArrayList<>();
    List<List<int[]>> ids = new ArrayList<>();
    for (int p = 0; p < prompts.size(); p++) {
      List<String> t = new ArrayList<>();
      List<int[]> d = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Completion c = out.get(p * n + i);
        t.add(policy.tokenizer().decode(c.tokenIds()));
        d.add(c.tokenIds());
      }
      texts.add(List.copyOf(t));
      ids.add(List.copyOf(d));
    }
    return new PolicySamples(List.copyOf(texts), List.copyOf(ids));
  }
}
