package dev.align4j.core.chat.jinja;

import java.util.List;
import java.util.Map;

/** A compiled template. Rendering is side-effect free and thread-safe; each call gets its own state. */
public final class Template {
  private final Environment env;
  private final List<Ast.Stmt> body;

  Template(Environment env, List<Ast.Stmt> body) {
    this.env = env;
    this.body = body;
  }

  /**
   * Renders with the given variables. Values are template values: {@code null}, Boolean, Long/Integer/BigInteger,
   * Double, String, List, Map (insertion-ordered) or {@link JinjaCallable}.
   *
   * @throws TemplateException when the template raises, uses an undefined value where jinja2 raises, uses a
   *     construct this interpreter does not support, or goes over the environment's {@link RenderLimits} (kind
   *     {@link TemplateException.Kind#LIMIT}); the message names the template line
   */
  public Rendered render(Map<String, ?> variables) {
    return new Renderer(env, variables).run(body);
  }

  /** The limits every render of this template runs under (its environment's). */
  public RenderLimits limits() {
    return env.limits();
  }
}
