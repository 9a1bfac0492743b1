package dev.align4j.core.serve;

/**
 * A request the server answers with an error in OpenAI's shape,
 * {@code {"error": {"message", "type", "param", "code"}}}: the HTTP status, the error type
 * ({@code invalid_request_error} for the caller's mistakes, {@code server_error} for the model's), the request field
 * at fault (or null) and OpenAI's code (or null).
 */
final class ApiError extends Exception {
  private static final long serialVersionUID = 1L;

  final int status;
  final String type;
  final String param;
  final String code;

  private ApiError(int status, String type, String message, String param, String code) {
    super(message, null, false, false); // an answer to the client, not a failure to trace
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  /** 400: a field is missing, of the wrong type or out of range; the message names the field and the value. */
  static ApiError badRequest(String param, String message) {
    return new ApiError(400, "invalid_request_error", message, param, null);
  }

  /** 404 with OpenAI's {@code model_not_found}. */
  static ApiError unknownModel(String name, String served) {
    return new ApiError(404, "invalid_request_error", "The model `" + name + "` does not exist: this server serves `"
        + served + "` (see GET /v1/models)", "model", "model_not_found");
  }

  /** 404 for a path the server does not answer. */
  static ApiError unknownPath(String method, String path) {
    return new ApiError(404, "invalid_request_error", "Invalid URL (" + method + " " + path + "): this server"
        + " answers GET /v1/models and POST /v1/chat/completions", null, null);
  }

  /** 405: the path exists but not for this method. */
  static ApiError wrongMethod(String method, String path, String allowed) {
    return new ApiError(405, "invalid_request_error", method + " " + path + " is not supported; use " + allowed,
        null, null);
  }

  /** 413: the body is larger than the server reads. */
  static ApiError tooLarge(long limit) {
    return new ApiError(413, "invalid_request_error", "the request body is larger than " + limit + " bytes", null,
        null);
  }

  /** 500: the model failed to answer ({@code ChatReply.Failure}) or broke. */
  static ApiError unauthorized() {
    return new ApiError(401, "invalid_request_error", "missing or wrong API key: send Authorization: Bearer KEY with"
        + " the key this server was started with", null, "invalid_api_key");
  }

  static ApiError serverError(String message) {
    return new ApiError(500, "server_error", message, null, null);
  }
}
