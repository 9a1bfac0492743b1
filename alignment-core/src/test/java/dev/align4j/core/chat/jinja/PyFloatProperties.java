package dev.align4j.core.chat.jinja;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Python's {@code repr(float)} (what {@code {{ x }}} and {@code tojson} print for floats): it must read back as the
 * same double, and no shorter digit string may do so. The golden tests pin the notation switches (1e+16, 1e-05).
 */
class PyFloatProperties {
  @Property
  boolean reprRoundTrips(@ForAll double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return true;
    }
    return Double.parseDouble(Py.floatRepr(d)) == d;
  }

  @Property
  void reprIsShortest(@ForAll double d) {
    if (Double.isNaN(d) || Double.isInfinite(d) || d == 0) {
      return;
    }
    String r = Py.floatRepr(d);
    String mantissa = r.replace("-", "").split("e")[0].replace(".", "").replaceFirst("^0+", "");
    String digits = mantissa.replaceFirst("0+$", "");
    if (digits.length() <= 1) {
      return;
    }
    // one digit fewer, correctly rounded, no longer reads back as d
    java.math.BigDecimal shorter = new java.math.BigDecimal(d).round(new java.math.MathContext(digits.length() - 1));
    assertTrue(shorter.doubleValue() != d, r + " is not the shortest repr of " + d);
    assertEquals(d, Double.parseDouble(r));
  }
}
