package dev.align4j.core.chat.jinja;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;

/**
 * A rendered template.
 *
 * @param text the output
 * @param generationSpans the spans of {@code text} produced inside {@code {% generation %}} blocks, in order, as
 *     transformers computes them (start = output length when the block finished, end = start + block length); offsets
 *     are Java {@code char} indices into {@code text}
 */
public record Rendered(String text, List<Span> generationSpans) {
  public Rendered {
    checkNotNull(text, "text");
    generationSpans = List.copyOf(generationSpans);
  }

  /** A half-open range {@code [start, end)} of char offsets. */
  public record Span(int start, int end) {
    public Span {
      checkArgument(start >= 0 && end >= start, "span must satisfy 0 <= start <= end, got [%s, %s)", start, end);
    }
  }
}
