package dev.align4j.core.model;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a saved model was made (after Tribuo's provenance): the producing stage, the starting model, the data and the
 * resolved configuration. Written as {@code align4j_provenance.json} beside the weights.
 *
 * @param stage e.g. {@code sft}, {@code rm}, {@code built-in}
 * @param baseModel the folder or description of the starting model
 * @param data the data files, or a description
 * @param config the resolved configuration, as JSON
 * @param created when the model was written
 */
public record Provenance(String stage, String baseModel, String data, ObjectNode config, Instant created) {
  public Provenance {
    checkNotNull(stage, "stage");
    checkNotNull(baseModel, "baseModel");
    checkNotNull(data, "data");
    checkNotNull(created, "created");
  }

  /** A provenance stamped now. */
  public static Provenance of(String stage, String baseModel, String data, ObjectNode config) {
    return new Provenance(stage, baseModel, data, config, Instant.now());
  }

  /** The JSON written beside the weights. */
  public ObjectNode toJson() {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("created_by", "align4j " + version());
    o.put("stage", stage);
    o.put("base_model", baseModel);
    o.put("data", data);
    o.put("created", created.toString());
    if (config != null) {
      o.set("config", config);
    }
    return o;
  }

  private static String version() {
    String v = Provenance.class.getPackage().getImplementationVersion();
    return v == null ? "(development build)" : v;
  }

  /** Details as a flat map, for logs. */
  public Map<String, String> summary() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("stage", stage);
    m.put("base_model", baseModel);
    m.put("data", data);
    return m;
  }
}
