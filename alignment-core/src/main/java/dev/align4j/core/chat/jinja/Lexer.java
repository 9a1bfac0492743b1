package dev.align4j.core.chat.jinja;

import dev.align4j.core.chat.jinja.Token.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a template into tokens the way jinja2 3.1's {@code Lexer.tokeniter} does, including its whitespace control:
 * {@code {%- -%}} strip all whitespace, {@code lstrip_blocks} removes the spaces and tabs before a block or comment tag
 * that starts a line, {@code trim_blocks} removes the first newline after one, {@code {%+} keeps the spaces, and one
 * trailing newline of the template is dropped ({@code keep_trailing_newline=False}). The rules are ported from
 * jinja2's lexer so that every byte of template data comes out as Python renders it.
 */
final class Lexer {
  // The regexes of jinja2/lexer.py, in Java syntax.
  private static final Pattern FLOAT = Pattern.compile(
      "(?<!\\.)(\\d+_)*\\d+(((\\.(\\d+_)*\\d+)?e[+\\-]?(\\d+_)*\\d+)|\\.(\\d+_)*\\d+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern INTEGER = Pattern.compile(
      "(0b(_?[0-1])+|0o(_?[0-7])+|0x(_?[\\da-f])+|[1-9](_?\\d)*|0(_?0)*)", Pattern.CASE_INSENSITIVE);
  private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{Nl}_][\\p{L}\\p{Nl}\\p{Mn}\\p{Mc}\\p{Nd}\\p{Pc}]*");
  private static final String[] OPERATORS = {"//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[",
      "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"};
  private static final Pattern RAW_BEGIN = Pattern.compile("\\{%[-+]?\\s*raw\\s*(?:-%}\\s*|%})", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern RAW_END = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*(?:\\+%}|-%}\\s*|%}(\\n?))",
      Pattern.UNICODE_CHARACTER_CLASS);

  private final String src;
  private final boolean trimBlocks;
  private final boolean lstripBlocks;
  private final List<Token> out = new ArrayList<>();
  private int pos;
  private int line = 1;
  private boolean lineStarting = true;
  /** Where "{{", "{%" and "{#" next occur at or after the last search (-1: nowhere; -2: not searched yet). */
  private final int[] nextDelimiter = {-2, -2, -2};

  private Lexer(String source, boolean trimBlocks, boolean lstripBlocks) {
    this.src = normalize(source);
    this.trimBlocks = trimBlocks;
    this.lstripBlocks = lstripBlocks;
  }

  static List<Token> tokenize(String source, boolean trimBlocks, boolean lstripBlocks) {
    Lexer lx = new Lexer(source, trimBlocks, lstripBlocks);
    try {
      lx.run();
    } catch (StackOverflowError e) {
      // java.util.regex recurses once per repetition of a group, e.g. per digit of FLOAT's and INTEGER's
      // "(_?\d)*": a number literal of some 10,000 digits overflows a 1 MiB stack
      throw TemplateException.overLimit(RenderLimits.Limit.DEPTH, lx.line, "the Java stack overflowed while reading"
          + " a token of the template (Java's regex engine recurses once per digit of a number literal); shorten the"
          + " literal or read the template on a thread with a larger stack (-Xss)");
    }
    return lx.out;
  }

  /** jinja2 splits on \r\n, \r and \n, drops one trailing empty line and joins with \n. */
  static String normalize(String source) {
    String s = source.replace("\r\n", "\n").replace('\r', '\n');
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }

  private void run() {
    int n = src.length();
    while (pos < n) {
      int start = nextTagStart(pos);
      if (start < 0) {
        emit(Type.DATA, src.substring(pos), line);
        break;
      }
      String kind = src.substring(start, start + 2);
      char sign = start + 2 < n && (src.charAt(start + 2) == '-' || src.charAt(start + 2) == '+')
          ? src.charAt(start + 2) : 0;
      Matcher raw = kind.equals("{%") ? RAW_BEGIN.matcher(src).region(start, n) : null;
      boolean isRaw = raw != null && raw.lookingAt();
      String text = src.substring(pos, start);
      emitData(text, sign, !kind.equals("{{"));
      if (isRaw) {
        pos = raw.end();
        lineStarting = src.charAt(pos - 1) == '\n';
        line += countNewlines(src.substring(start, pos));
        rawBody();
        continue;
      }
      pos = start + 2 + (sign != 0 ? 1 : 0);
      if (kind.equals("{#")) {
        comment();
      } else {
        insideTag(kind.equals("{%"));
      }
    }
    out.add(new Token(Type.EOF, "", line));
  }

  private int nextTagStart(int from) {
    // each delimiter's next position is remembered, so a template without comments is not searched to its end for
    // "{#" at every tag (which made reading 100,000 tags quadratic)
    String[] delimiters = {"{{", "{%", "{#"};
    int best = -1;
    for (int k = 0; k < 3; k++) {
      if (nextDelimiter[k] == -2 || nextDelimiter[k] >= 0 && nextDelimiter[k] < from) {
        nextDelimiter[k] = src.indexOf(delimiters[k], from);
      }
      int i = nextDelimiter[k];
      if (i >= 0 && (best < 0 || i < best)) {
        best = i;
      }
    }
    return best;
  }

  /** Emits the data before a tag after jinja2's OptionalLStrip: '-' strips all, lstrip_blocks strips the line's indent. */
  private void emitData(String text, char sign, boolean lstripAllowed) {
    int newlines = countNewlines(text);
    String kept = text;
    if (sign == '-') {
      kept = Py.rstrip(text, null);
    } else if (sign != '+' && lstripBlocks && lstripAllowed) {
      int lpos = text.lastIndexOf('\n') + 1;
      if ((lpos > 0 || lineStarting) && lpos < text.length() && allSpace(text, lpos)) {
        kept = text.substring(0, lpos);
      }
    }
    if (!kept.isEmpty()) {
      emit(Type.DATA, kept, line);
    }
    line += newlines;
  }

  private void rawBody() {
    Matcher m = RAW_END.matcher(src).region(pos, src.length());
    if (!m.find()) {
      throw new TemplateException(TemplateException.Kind.SYNTAX, line, "Missing end of raw directive");
    }
    String text = src.substring(pos, m.start());
    emitData(text, m.group(1).isEmpty() ? 0 : m.group(1).charAt(0), true);
    line += countNewlines(m.group());
    pos = m.end();
    lineStarting = m.group().endsWith("\n");
  }

  private void comment() {
    int n = src.length();
    for (int i = pos; i < n; i++) {
      int end = -1;
      if (src.startsWith("+#}", i)) {
        end = i + 3;
      } else if (src.startsWith("-#}", i)) {
        end = skipSpace(i + 3);
      } else if (src.startsWith("#}", i)) {
        end = i + 2;
        if (trimBlocks && end < n && src.charAt(end) == '\n') {
          end++;
        }
      }
      if (end >= 0) {
        line += countNewlines(src.substring(pos, end));
        lineStarting = src.charAt(end - 1) == '\n';
        pos = end;
        return;
      }
    }
    throw new TemplateException(TemplateException.Kind.SYNTAX, line, "Missing end of comment tag");
  }

  private void insideTag(boolean block) {
    emit(block ? Type.BLOCK_BEGIN : Type.VARIABLE_BEGIN, block ? "{%" : "{{", line);
    Deque<Character> balance = new ArrayDeque<>();
    int n = src.length();
    while (true) {
      if (pos >= n) {
        throw new TemplateException(TemplateException.Kind.SYNTAX, line,
            "unexpected end of template, expected '" + (block ? "%}" : "}}") + "'");
      }
      if (balance.isEmpty() && tagEnd(block)) {
        return;
      }
      char c = src.charAt(pos);
      if (Py.isSpace(c)) {
        int e = skipSpace(pos);
        line += countNewlines(src.substring(pos, e));
        pos = e;
        continue;
      }
      if (match(FLOAT, Type.FLOAT) || match(INTEGER, Type.INTEGER) || match(NAME, Type.NAME) || string()) {
        continue;
      }
      String op = operatorAt(pos);
      if (op == null) {
        throw new TemplateException(TemplateException.Kind.SYNTAX, line,
            "unexpected char '" + c + "' at " + pos);
      }
      checkBalance(balance, op, line);
      emit(Type.OPERATOR, op, line);
      pos += op.length();
    }
  }

  private boolean tagEnd(boolean block) {
    String close = block ? "%}" : "}}";
    int n = src.length();
    if (block && src.startsWith("+" + close, pos)) {
      finishTag(block, pos + 3);
      return true;
    }
    if (src.startsWith("-" + close, pos)) {
      finishTag(block, skipSpace(pos + 3));
      return true;
    }
    if (src.startsWith(close, pos)) {
      int end = pos + 2;
      if (block && trimBlocks && end < n && src.charAt(end) == '\n') {
        end++;
      }
      finishTag(block, end);
      return true;
    }
    return false;
  }

  private void finishTag(boolean block, int end) {
    String matched = src.substring(pos, end);
    emit(block ? Type.BLOCK_END : Type.VARIABLE_END, matched, line);
    line += countNewlines(matched);
    lineStarting = matched.endsWith("\n");
    pos = end;
  }

  private static void checkBalance(Deque<Character> balance, String op, int line) {
    switch (op) {
      case "{":
        balance.push('}');
        break;
      case "(":
        balance.push(')');
        break;
      case "[":
        balance.push(']');
        break;
      case "}":
      case ")":
      case "]":
        if (balance.isEmpty()) {
          throw new TemplateException(TemplateException.Kind.SYNTAX, line, "unexpected '" + op + "'");
        }
        char expected = balance.pop();
        if (expected != op.charAt(0)) {
          throw new TemplateException(TemplateException.Kind.SYNTAX, line,
              "unexpected '" + op + "', expected '" + expected + "'");
        }
        break;
      default:
        break;
    }
  }

  private boolean match(Pattern p, Type type) {
    Matcher m = p.matcher(src).region(pos, src.length()).useTransparentBounds(true);
    if (!m.lookingAt()) {
      return false;
    }
    emit(type, m.group(), line);
    pos = m.end();
    return true;
  }

  /**
   * jinja2's string_re, {@code '([^'\\]*(?:\\.[^'\\]*)*)'} or the same with {@code "}, DOTALL, scanned by hand:
   * java.util.regex recurses once per escape, and a literal with 2,000 of them overflowed the stack.
   */
  private boolean string() {
    int n = src.length();
    char quote = src.charAt(pos);
    if (quote != '\'' && quote != '"') {
      return false;
    }
    int i = pos + 1;
    while (i < n && src.charAt(i) != quote) {
      i += src.charAt(i) == '\\' ? 2 : 1;
    }
    if (i >= n) {
      return false;
    }
    String raw = src.substring(pos, i + 1);
    emit(Type.STRING, unescape(raw.substring(1, raw.length() - 1), line), line);
    line += countNewlines(raw);
    pos = i + 1;
    return true;
  }

  private String operatorAt(int at) {
    for (String op : OPERATORS) {
      if (src.startsWith(op, at)) {
        return op;
      }
    }
    return null;
  }

  /** Python's "unicode-escape" decoding, which jinja2 applies to string literals. */
  static String unescape(String s, int line) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        b.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case '\n': break;
        case '\\': b.append('\\'); break;
        case '\'': b.append('\''); break;
        case '"': b.append('"'); break;
        case 'a': b.append('\u0007'); break;
        case 'b': b.append('\b'); break;
        case 'f': b.append('\f'); break;
        case 'n': b.append('\n'); break;
        case 'r': b.append('\r'); break;
        case 't': b.append('\t'); break;
        case 'v': b.append('\u000b'); break;
        case 'x': i = hex(s, i, 2, b, line); break;
        case 'u': i = hex(s, i, 4, b, line); break;
        case 'U': i = hex(s, i, 8, b, line); break;
        case 'N': {
          int close = s.indexOf('}', i);
          if (i + 1 >= s.length() || s.charAt(i + 1) != '{' || close < 0) {
            throw new TemplateException(TemplateException.Kind.SYNTAX, line, "malformed \\N character escape");
          }
          try {
            b.appendCodePoint(Character.codePointOf(s.substring(i + 2, close)));
          } catch (IllegalArgumentException ex) {
            throw new TemplateException(TemplateException.Kind.SYNTAX, line, "unknown Unicode character name");
          }
          i = close;
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int end = i;
            while (end < s.length() && end < i + 3 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
              end++;
            }
            b.appendCodePoint(Integer.parseInt(s.substring(i, end), 8));
            i = end - 1;
          } else {
            b.append('\\').append(e); // Python keeps unknown escapes as they are
          }
      }
    }
    return b.toString();
  }

  private static int hex(String s, int at, int digits, StringBuilder b, int line) {
    String h = s.substring(at + 1, Math.min(s.length(), at + 1 + digits));
    if (h.length() != digits || !h.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
      throw new TemplateException(TemplateException.Kind.SYNTAX, line, "truncated escape sequence in string literal");
    }
    long cp = Long.parseLong(h, 16);       // up to 8 digits: FFFFFFFF does not fit an int
    if (cp > Character.MAX_CODE_POINT) {
      throw new TemplateException(TemplateException.Kind.SYNTAX, line, "illegal Unicode character \\U" + h
          + " in string literal (the largest is \\U0010ffff)");
    }
    b.appendCodePoint((int) cp);
    return at + digits;
  }

  private int skipSpace(int from) {
    int i = from;
    while (i < src.length() && Py.isSpace(src.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean allSpace(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (!Py.isSpace(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static int countNewlines(String s) {
    int c = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\n') {
        c++;
      }
    }
    return c;
  }

  private void emit(Type type, String value, int atLine) {
    out.add(new Token(type, value, atLine));
  }
}
