package dev.align4j.core.cai;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.Text;

/**
 * An answer to be critiqued and revised.
 *
 * @param id a name unique within the run (the prompts file's line number, by default); seeds the principle draws
 * @param prompt the prompt the answer replies to
 * @param initialAnswer the first answer: the model under revision's own, or a given demonstration
 */
public record RevisionTask(String id, Text prompt, String initialAnswer) {
  public RevisionTask {
    checkNotNull(id, "id");
    checkArgument(!id.isBlank(), "task id must not be blank");
    checkNotNull(prompt, "prompt of task %s", id);
    checkNotNull(initialAnswer, "initialAnswer of task %s", id);
  }
}
