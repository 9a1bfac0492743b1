package dev.align4j.core.chat;

import dev.align4j.core.chat.jinja.Environment;
import dev.align4j.core.chat.jinja.JinjaCallable;
import dev.align4j.core.chat.jinja.PyJson;
import dev.align4j.core.chat.jinja.TemplateException;
import java.time.Clock;
import java.time.ZonedDateTime;

/**
 * The one place that sets up Jinja the way transformers' {@code _compile_jinja_template} does (transformers
 * {@code utils/chat_template_utils.py}): {@code ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
 * extensions=[AssistantTracker, jinja2.ext.loopcontrols])}, the filter {@code tojson} replaced by
 * {@code json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}, and the globals
 * {@code raise_exception(msg)} and {@code strftime_now(fmt)}. Every other behaviour is jinja2's own, implemented in
 * {@code dev.align4j.core.chat.jinja}.
 */
public final class TransformersJinja {
  private TransformersJinja() {}

  /** The environment with the system clock (for {@code strftime_now}). */
  public static Environment environment() {
    return environment(Clock.systemDefaultZone());
  }

  /** The environment with {@code clock} behind {@code strftime_now}, so renders that use the date are testable. */
  public static Environment environment(Clock clock) {
    return Environment.builder()
        .trimBlocks(true)
        .lstripBlocks(true)
        .loopControls(true)
        .generationTag(true)
        .filter("tojson", (value, args, kwargs, env) -> PyJson.tojson(value, args, kwargs))
        .global("raise_exception", (JinjaCallable) (args, kwargs) -> {
          // transformers: raise jinja2.exceptions.TemplateError(message)
          throw new TemplateException(TemplateException.Kind.RAISED, 0, args.isEmpty() ? "" : String.valueOf(
              args.get(0)));
        })
        .global("strftime_now", (JinjaCallable) (args, kwargs) ->
            Strftime.format(String.valueOf(args.isEmpty() ? kwargs.get("format") : args.get(0)),
                ZonedDateTime.now(clock)))
        .build();
  }
}
