package org.amavisd.policy.bank;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.ConfigException;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.lookup.LdapLookupException;
import org.amavisd.policy.lookup.LdapLookups;
import org.amavisd.policy.lookup.LookupChain;
import org.amavisd.policy.lookup.LookupKey;
import org.amavisd.policy.lookup.Maps;
import org.amavisd.policy.lookup.SqlLookupException;
import org.amavisd.policy.lookup.SqlLookups;

/**
 * Which policy banks a message gets, decided as amavisd-new decides: the bank %interface_policy
 * names for the port the message came in on, then the banks of the first @client_ipaddr_policy
 * table that contains the original client's address (XFORWARD ADDR; unknown counts as 0.0.0.0).
 * By default @client_ipaddr_policy pairs each @mynetworks_maps table with MYNETS, which
 * implies originating.
 */
public final class PolicyBanks implements AutoCloseable {
    private record ClientRule(IpTable table, List<String> banks) {}

    private final PolicyBank base;
    private final Map<String, PerlValue.HashRef> banks;
    private final Map<String, String> interfacePolicy;
    private final List<String> warnings;
    private List<ClientRule> baseRules; // parsed once: most messages use the base bank's tables
    private Optional<SqlLookups> sql = Optional.empty();
    private Optional<LdapLookups> ldap = Optional.empty();
    // lookup chains built once per table value: banks share their values' instances, so identity is the key
    private final Map<IdentityKey, LookupChain> chains = new java.util.concurrent.ConcurrentHashMap<>();

    private record IdentityKey(String name, PerlValue value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdentityKey k
                    && k.name.equals(name)
                    && (k.value == value || (!k.value.isDefined() && !value.isDefined()));
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + (value.isDefined() ? System.identityHashCode(value) : 0);
        }
    }

    private PolicyBanks(
            PolicyBank base,
            Map<String, PerlValue.HashRef> banks,
            Map<String, String> interfacePolicy,
            List<String> warnings) {
        this.base = base;
        this.banks = banks;
        this.interfacePolicy = interfacePolicy;
        this.warnings = warnings;
    }

    public static PolicyBanks from(AmavisConf conf) throws ConfigException {
        List<String> warnings = new ArrayList<>();
        Map<String, PerlValue.HashRef> banks = new LinkedHashMap<>();
        PerlValue pb = conf.get("%policy_bank").orElse(new PerlValue.Undef());
        if (pb instanceof PerlValue.HashRef h) {
            for (Map.Entry<String, PerlValue> e : h.entries().entrySet()) {
                if (e.getValue() instanceof PerlValue.HashRef bank) {
                    banks.put(e.getKey(), bank);
                } else if (e.getValue().isDefined()) {
                    throw new ConfigException(
                            conf.origin("%policy_bank"),
                            "%policy_bank: bank '" + e.getKey() + "' must be a hash {...}");
                }
            }
        }
        Map<String, String> iface = new LinkedHashMap<>();
        PerlValue ip = conf.get("%interface_policy").orElse(new PerlValue.Undef());
        if (ip instanceof PerlValue.HashRef h) {
            h.entries().forEach((port, name) -> {
                if (name.isDefined()) iface.put(port, name.asString());
            });
        }
        for (Map.Entry<String, String> e : iface.entrySet()) {
            if (!banks.containsKey(e.getValue())) {
                warnings.add("%interface_policy: port " + e.getKey() + " names policy bank '" + e.getValue()
                        + "', which %policy_bank does not define");
            }
        }
        PolicyBanks result = new PolicyBanks(
                PolicyBank.base(conf.values()),
                Collections.unmodifiableMap(banks),
                Collections.unmodifiableMap(iface),
                warnings);
        result.baseRules = result.checkedClientRules(conf, result.base, null); // at load, not on the first message
        for (Map.Entry<String, PerlValue.HashRef> e : banks.entrySet()) {
            if (e.getValue().entries().containsKey("client_ipaddr_policy")
                    || e.getValue().entries().containsKey("mynetworks_maps")) {
                result.checkedClientRules(
                        conf, result.base.load(e.getKey(), e.getValue(), new ArrayList<>()), e.getKey());
            }
        }
        checkMaps(conf, result.base, null);
        for (Map.Entry<String, PerlValue.HashRef> e : banks.entrySet()) {
            checkMaps(conf, result.base.load(e.getKey(), e.getValue(), new ArrayList<>()), e.getKey());
        }
        LookupChain localStatic = result.chain(result.base, "local_domains_maps");
        // SQL and LDAP keys depend on whether the address is local, decided by the static tables alone
        try {
            result.sql = SqlLookups.fromConf(conf, localStatic::isTrue);
        } catch (SqlLookupException e) {
            throw settingError(conf, "@lookup_sql_dsn", e.getMessage());
        }
        try {
            result.ldap = LdapLookups.fromConf(conf, localStatic::isTrue);
        } catch (LdapLookupException | IllegalArgumentException e) {
            result.close();
            String name = conf.origin("$default_ldap").isDefault() ? "$enable_ldap" : "$default_ldap";
            throw settingError(conf, name, e.getMessage());
        }
        result.chains.clear(); // from now on chains include SQL and LDAP
        return result;
    }

    /** A setting's error at the place the setting was written; the message names it once. */
    private static ConfigException settingError(AmavisConf conf, String name, String message) {
        String m = message.startsWith(name) ? message : name + ": " + message;
        return new ConfigException(conf.origin(name), m);
    }

    /**
     * The client tables of a bank, each refused at the place its value was written: a table
     * that is the value of a configured array (\@mynetworks in the default @mynetworks_maps) at
     * that array's assignment, other tables at the @client_ipaddr_policy or @mynetworks_maps
     * that holds them, a policy bank's own tables at %policy_bank.
     */
    private List<ClientRule> checkedClientRules(AmavisConf conf, PolicyBank bank, String bankName)
            throws ConfigException {
        try {
            return clientRules(bank);
        } catch (BadTable e) {
            if (bankName != null) {
                throw new ConfigException(
                        conf.origin("%policy_bank"),
                        "%policy_bank: bank '" + bankName + "': " + e.setting + ": " + e.getMessage());
            }
            String owner = ownerOf(conf, e.table);
            throw settingError(conf, owner != null ? owner : "@" + e.setting, e.getMessage());
        }
    }

    /** The configured array whose value {@code table} is, preferring one a config file assigned. */
    private static String ownerOf(AmavisConf conf, PerlValue table) {
        if (!(table instanceof PerlValue.ArrayRef) && !(table instanceof PerlValue.HashRef)) return null;
        for (String name : conf.assignedNames()) {
            char sigil = name.charAt(0);
            if ((sigil == '@' || sigil == '%')
                    && conf.get(name).map(table::equals).orElse(false)) return name;
        }
        return null;
    }

    /** Every @*_maps list of a bank must make a lookup chain: found at load, not on a message. */
    private static void checkMaps(AmavisConf conf, PolicyBank bank, String bankName) throws ConfigException {
        for (Map.Entry<String, PerlValue> e : bank.entries().entrySet()) {
            if (!e.getKey().endsWith("_maps")) continue;
            try {
                Maps.chain("@" + e.getKey(), e.getValue());
            } catch (IllegalArgumentException ex) {
                if (bankName == null) throw settingError(conf, "@" + e.getKey(), ex.getMessage());
                throw new ConfigException(
                        conf.origin("%policy_bank"), "%policy_bank: bank '" + bankName + "': " + ex.getMessage());
            }
        }
    }

    /** A client IP table that cannot be read, with the setting that holds it. */
    private static final class BadTable extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final transient PerlValue table;
        final String setting;

        BadTable(String setting, PerlValue table, String message) {
            super(message);
            this.setting = setting;
            this.table = table;
        }
    }

    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    public PolicyBank base() {
        return base;
    }

    public boolean isDefined(String name) {
        return banks.containsKey(name);
    }

    /** Loads a named bank over {@code current}; a name %policy_bank lacks is ignored, as in amavisd-new. */
    public PolicyBank load(PolicyBank current, String name, List<String> loadWarnings) {
        PerlValue.HashRef bank = banks.get(name);
        return bank == null ? current : current.load(name, bank, loadWarnings);
    }

    /**
     * The @*_maps setting {@code key} of {@code bank} ("local_domains_maps") as a lookup chain;
     * an unset setting is an empty chain (no opinion).
     */
    public LookupChain chain(PolicyBank bank, String key) {
        return chainOf(key, bank.get(key).orElse(new PerlValue.Undef()));
    }

    /**
     * A @*_maps value as a lookup chain named {@code key} (without sigil), with the SQL and LDAP
     * lookups in front as for the setting of that name: for values reached through the *_by_ccat
     * tables (sub { ca('spam_lovers_maps') }).
     */
    public LookupChain chainOf(String key, PerlValue v) {
        return chains.computeIfAbsent(new IdentityKey(key, v), k -> {
            // amavisd-new's order: SQL, then LDAP, then the static tables of the list
            LookupChain c = Maps.chain("@" + key, v);
            if (ldap.isPresent()) c = ldap.get().prepend(c);
            if (sql.isPresent()) c = sql.get().prepend(c);
            return c;
        });
    }

    /** A message begins: SQL rows and LDAP entries cached for the previous one are forgotten. */
    public void beginMessage() {
        sql.ifPresent(SqlLookups::clearCache);
        ldap.ifPresent(LdapLookups::clearCache);
    }

    public Optional<SqlLookups> sql() {
        return sql;
    }

    public Optional<LdapLookups> ldap() {
        return ldap;
    }

    /** Releases database and directory connections. */
    @Override
    public void close() {
        sql.ifPresent(SqlLookups::close);
        ldap.ifPresent(LdapLookups::close);
    }

    /** The lookup key for an address under this bank's $recipient_delimiter and $localpart_is_case_sensitive. */
    public static LookupKey key(PolicyBank bank, String address) {
        String delim = bank.get("recipient_delimiter").map(PerlValue::asString).orElse("");
        return new LookupKey(address, delim, bank.isTrue("localpart_is_case_sensitive"));
    }

    /** The bank for a connection to our port {@code localPort} (%interface_policy). */
    public PolicyBank forPort(int localPort, List<String> loadWarnings) {
        String name = interfacePolicy.get(Integer.toString(localPort));
        return name == null ? base : load(base, name, loadWarnings);
    }

    /**
     * Adds the banks of @client_ipaddr_policy for the original client; {@code clientAddress}
     * null or empty means unknown and is looked up as 0.0.0.0.
     */
    public PolicyBank forClient(PolicyBank current, String clientAddress, List<String> loadWarnings) {
        String addr = clientAddress == null || clientAddress.isEmpty() ? "0.0.0.0" : clientAddress;
        PolicyBank bank = current;
        boolean sameTables = current.get("client_ipaddr_policy").equals(base.get("client_ipaddr_policy"))
                && current.get("mynetworks_maps").equals(base.get("mynetworks_maps"));
        for (ClientRule rule : sameTables ? baseRules : clientRules(current)) {
            if (rule.table().matches(addr)) {
                for (String name : rule.banks()) bank = load(bank, name, loadWarnings);
                break;
            }
        }
        return bank;
    }

    /** @client_ipaddr_policy as pairs; by default every @mynetworks_maps table with MYNETS. */
    private List<ClientRule> clientRules(PolicyBank bank) {
        List<ClientRule> rules = new ArrayList<>();
        PerlValue cp = bank.get("client_ipaddr_policy").orElse(new PerlValue.Undef());
        if (cp instanceof PerlValue.ArrayRef a && !a.elements().isEmpty()) {
            List<PerlValue> e = a.elements();
            if (e.size() % 2 != 0) {
                throw new BadTable("client_ipaddr_policy", cp, "must contain pairs (table, bank names)");
            }
            for (int i = 0; i + 1 < e.size(); i += 2) {
                if (!e.get(i + 1).isDefined()) continue;
                List<String> names = new ArrayList<>();
                for (String n : e.get(i + 1).asString().split(",")) {
                    if (!n.isBlank()) names.add(n.trim());
                }
                rules.add(new ClientRule(table("client_ipaddr_policy", e.get(i)), names));
            }
            return rules;
        }
        PerlValue maps = bank.get("mynetworks_maps").orElse(new PerlValue.Undef());
        if (maps instanceof PerlValue.ArrayRef a) {
            for (PerlValue t : a.elements()) rules.add(new ClientRule(table("mynetworks_maps", t), List.of("MYNETS")));
        }
        return rules;
    }

    private static IpTable table(String setting, PerlValue t) {
        try {
            return IpTable.of(t);
        } catch (BadTable e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new BadTable(setting, t instanceof PerlValue.ScalarRef r ? r.target() : t, e.getMessage());
        }
    }
}
