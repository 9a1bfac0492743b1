package dev.align4j.core.reward;

import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * A change of whitespace and punctuation only, which should not change a good reward model's verdict: trailing
 * sentence punctuation removed when present, else a trailing {@code " ."} added; runs of spaces doubled.
 */
final class FormattingEdit {
  private FormattingEdit() {}

  static Text apply(Text t) {
    if (t instanceof Text.Plain p) {
      return Text.plain(edit(p.text()));
    }
    List<Message> ms = new ArrayList<>(((Text.Chat) t).messages());
    Message last = ms.get(ms.size() - 1);
    ms.set(ms.size() - 1, new Message(last.role(), edit(last.content())));
    return new Text.Chat(ms);
  }

  static String edit(String s) {
    String trimmed = s.stripTrailing();
    String core = trimmed.replaceAll("[.!?]+$", "");
    String changed = core.length() < trimmed.length() ? core : trimmed + " .";
    return changed.replace(" ", "  ");
  }
}
