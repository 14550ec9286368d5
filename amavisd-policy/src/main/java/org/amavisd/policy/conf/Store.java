package org.amavisd.policy.conf;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Variable storage shared by all files of one configuration, so later files see and override
 * what earlier ones set. Keys carry the sigil ("$x", "@x", "%x"); aliases are resolved before.
 */
final class Store {
  final Map<String, Rt.Box> scalars = new HashMap<>();
  final Map<String, Rt.Arr> arrays = new HashMap<>();
  final Map<String, Rt.Hash> hashes = new HashMap<>();
  /** Where each variable was last assigned by a config file, in first-assignment order. */
  final Map<String, Origin> origins = new LinkedHashMap<>();
  /** Variables introduced with my/our: never reported as unknown. */
  final Set<String> declared = new HashSet<>();

  Rt.Box scalar(String key) {
    return scalars.computeIfAbsent(key, k -> new Rt.Box());
  }

  Rt.Arr array(String key) {
    return arrays.computeIfAbsent(key, k -> new Rt.Arr());
  }

  Rt.Hash hash(String key) {
    return hashes.computeIfAbsent(key, k -> new Rt.Hash());
  }

  boolean exists(String key) {
    return switch (key.charAt(0)) {
      case '$' -> scalars.containsKey(key);
      case '@' -> arrays.containsKey(key);
      default -> hashes.containsKey(key);
    };
  }

  /** The current value frozen; arrays and hashes become ArrayRef / HashRef. */
  PerlValue freeze(String key) {
    return switch (key.charAt(0)) {
      case '$' -> Rt.freeze(scalar(key).value);
      case '@' -> Rt.freezeArray(array(key));
      default -> Rt.freezeHash(hash(key));
    };
  }
}
