package dev.align4j.core.task;

import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

/** The instruction families. Strings are over {@code abcde}, 3–6 long; numbers are below 100. */
public enum Family {
  /** {@code reverse: abcd} → {@code dcba}. */
  REVERSE {
    @Override Task sample(Random r, TaskConfig c) {
      String s = letters(r, c);
      return new Task(this, "reverse: " + s, new StringBuilder(s).reverse().toString());
    }

    @Override Optional<String> answer(String head, String arg, TaskConfig c) {
      return head.equals("reverse") && isWord(arg, c) ? Optional.of(new StringBuilder(arg).reverse().toString())
          : Optional.empty();
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

    @Override Optional<String> answer(String head, String arg, TaskConfig c) {
      if (!head.equals("sort") || !isWord(arg, c)) {
        return Optional.empty();
      }
      char[] sorted = arg.toCharArray();
      Arrays.sort(sorted);
      return Optional.of(new String(sorted));
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

    @Override Optional<String> answer(String head, String arg, TaskConfig c) {
      if (head.length() != 7 || !head.startsWith("count ") || !isWord(arg, c)) {
        return Optional.empty();
      }
      char target = head.charAt(6);
      return Optional.of(Long.toString(arg.chars().filter(ch -> ch == target).count()));
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

    @Override Optional<String> answer(String head, String arg, TaskConfig c) {
      if (!head.equals("max") || !arg.matches("[0-9]{1,9}( [0-9]{1,9})*")) {
        return Optional.empty();
      }
      return Optional.of(Integer.toString(Arrays.stream(arg.split(" ")).mapToInt(Integer::parseInt).max()
          .getAsInt()));
    }
  };

  /** A random task of this family. */
  abstract Task sample(Random r, TaskConfig c);

  /** The answer to the instruction {@code head: arg} when it is one of this family's, else empty. */
  abstract Optional<String> answer(String head, String arg, TaskConfig c);

  private static boolean isWord(String s, TaskConfig c) {
    return !s.isEmpty() && s.chars().allMatch(ch -> c.letters().indexOf(ch) >= 0);
  }

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
