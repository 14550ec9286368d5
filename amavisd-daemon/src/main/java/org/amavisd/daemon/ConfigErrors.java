package org.amavisd.daemon;

import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.ConfigException;
import org.amavisd.policy.conf.Origin;

/** Builds configuration errors that point at the line which set the offending value. */
final class ConfigErrors {
    private ConfigErrors() {}

    static ConfigException at(AmavisConf conf, String name, String message) {
        Origin o = conf.origin(name);
        return new ConfigException(o, name + ": " + message);
    }
}
