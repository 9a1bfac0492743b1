package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every layer for the tokens processed so far, {@code (B, H_kv, S, d)} each, after RoPE. The
 * cache owns its arrays in its own manager, so that each generation step can run in a short-lived sub-manager: the
 * grown arrays move to the cache's manager and the previous ones are freed.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private int length;

  /** A cache for {@code layers} layers whose arrays live in a sub-manager of {@code parent}. */
  public KvCache(NDManager parent, int layers) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  /** Tokens cached so far. */
  public int length() {
    return length;
  }

  /** Appends the new keys and values of a layer and returns the full ones. */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    NDArray fullK = keys[layer] == null ? k.duplicate() : keys[layer].concat(k, 2);
    NDArray fullV = values[layer] == null ? v.duplicate() : values[layer].concat(v, 2);
    fullK.attach(manager);
    fullV.attach(manager);
    if (keys[layer] != null) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = fullK;
    values[layer] = fullV;
    return new NDArray[] {fullK, fullV};
  }

  /** Called once per forward pass with the number of new tokens. */
  void advance(int tokens) {
    length += tokens;
  }

  @Override
  public void close() {
    manager.close();
  }
}
