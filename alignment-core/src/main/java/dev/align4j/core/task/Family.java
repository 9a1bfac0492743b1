package dev.align4j.core.task;

import java.util.Arrays;
import java.util.Random;

/** The instruction families. Strings are over {@code abcde}, 3–6 long; numbers are below 100. */
public enum Family {
  /** {@code reverse: abcd} → {@code dcba}. */
  REVERSE {
    @Override Task sample(Random r, TaskConfig c) {
      String s = letters(r, c);
      return new Task(this, "reverse: " + s, new StringBuilder(s).reverse().toString());
    }
  },
  /** {@code sort: dbca} → {@code abcd}. */
  SORT {
    @Override Task sample(Random r, TaskConfig c) {
      String s = letters(r, c);
      char[] sorted = s.toCharArray();
      Arrays.sort(sorted);
      return new Task(this, "sort: " + s, new String(sorted));
    }
  },
  /** {@code count a: abaca} → {@code 3}. */
  COUNT {
    @Override Task sample(Random r, TaskConfig c) {
      String s = letters(r, c);
      char target = c.letters().charAt(r.nextInt(c.letters().length()));
      long n = s.chars().filter(ch -> ch == target).count();
      return new Task(this, "count " + target + ": " + s, Long.toString(n));
    }
  },
  /** {@code max: 31 9 47} → {@code 47}. */
  MAX {
    @Override Task sample(Random r, TaskConfig c) {
      int k = 3 + r.nextInt(2);
      int[] xs = new int[k];
      StringBuilder b = new StringBuilder("max:");
      int max = -1;
      for (int i = 0; i < k; i++) {
        xs[i] = r.nextInt(c.maxNumber());
        b.append(' ').append(xs[i]);
        max = Math.max(max, xs[i]);
      }
      return new Task(this, b.toString(), Integer.toString(max));
    }
  };

  /** A random task of this family. */
  abstract Task sample(Random r, TaskConfig c);

  static String letters(Random r, TaskConfig c) {
    int len = c.minLength() + r.nextInt(c.maxLength() - c.minLength() + 1);
    StringBuilder b = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      b.append(c.letters().charAt(r.nextInt(c.letters().length())));
    }
    return b.toString();
  }

  /** Lower-case name for reports. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
