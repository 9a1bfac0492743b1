package dev.align4j.api.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One chat message. Roles are open-ended because chat templates are ({@code system}, {@code user},
 * {@code assistant}, {@code tool}, {@code ipython}, …).
 *
 * @param role a non-blank role name
 * @param content the text
 */
public record Message(String role, String content) {
  /**
   * Validates the fields; throws {@link NullPointerException} for a null role or content and
   * {@link IllegalArgumentException} for a blank role.
   *
   * @param role not null or blank
   * @param content not null; may be empty
   */
  public Message {
    checkNotNull(role, "role");
    checkArgument(!role.isBlank(), "role must not be blank");
    checkNotNull(content, "content of a %s message", role);
  }

  /**
   * Whether this message was written by the model being trained (its tokens carry the SFT loss).
   *
   * @return true when the role is exactly {@code "assistant"} (case-sensitive)
   */
  public boolean isAssistant() {
    return role.equals("assistant");
  }
}
