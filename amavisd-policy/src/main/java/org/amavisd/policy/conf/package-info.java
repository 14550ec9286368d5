/**
 * Reader for amavisd-new configuration files (amavisd.conf, Debian's conf.d), which are Perl.
 *
 * <p>Nothing is executed as Perl. Text goes through {@link org.amavisd.policy.conf.Lexer} to
 * tokens, through {@link org.amavisd.policy.conf.Parser} to an AST whose nodes carry their
 * {@link org.amavisd.policy.conf.Origin}, and is then interpreted by
 * {@link org.amavisd.policy.conf.Evaluator} against a variable store preloaded with the
 * {@link org.amavisd.policy.conf.SettingsCatalogue} defaults. The result is an immutable
 * {@link org.amavisd.policy.conf.AmavisConf}.
 *
 * <p>Supported: scalar/array/hash and element assignments (also chained, list and compound
 * ones), my/our, use, comments, POD, __END__, numbers, arithmetic, string operators, ranges,
 * single/double quotes with interpolation, q/qq/qw/qr with any delimiter, here-documents,
 * references and dereferences, {@code \&name} and anonymous subs as opaque code values, the
 * D_* and CC_* constants, push/unshift/chomp/join/lc/uc/length, include_config_files, and the
 * two read-only backtick idioms of Debian's stock files. Functions amavisd-new offers but that
 * are not implemented yet (new_RE, read_hash, ...) are registered in
 * {@link org.amavisd.policy.conf.Builtins} and fail with "unsupported construct".
 */
package org.amavisd.policy.conf;
