package dev.align4j.core.chatmodel;

import dev.align4j.core.model.tokenizer.TextTokenizer;
import java.util.List;

/**
 * The texts a chat reply is made of: a reply's text is its ids decoded together with special tokens removed (as
 * {@code AlignModel.complete} and a server's {@code skip_special_tokens=True} give it), while a log-prob entry names
 * one token as the tokenizer's decoder gives that single id, special tokens kept (so an EOS alternative shows as
 * {@code </s>}, not as nothing). Single-token texts are cached per id.
 */
final class TokenTexts {
  private final TextTokenizer tokenizer;
  private final String[] single;

  TokenTexts(TextTokenizer tokenizer, int vocab) {
    this.tokenizer = tokenizer;
    this.single = new String[vocab];
  }

  /** The text of generated ids, special tokens removed. */
  String text(List<Integer> ids) {
    int[] a = new int[ids.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = ids.get(i);
    }
    return tokenizer.decode(a, true);
  }

  /** The text of one token id, special tokens kept. */
  String token(int id) {
    String s = single[id];
    if (s == null) {
      s = tokenizer.decode(new int[] {id}, false);
      single[id] = s;
    }
    return s;
  }
}
