package org.amavisd.policy.lookup;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The read-only lookup part of amavisd-new's schema, written from its documented columns, in SQL
 * that H2, PostgreSQL and SQLite all accept:
 *
 * <ul>
 *   <li>users: id, priority (higher = more specific, tried first), policy_id, email (a query key:
 *       user+foo@example.com, user@example.com, user, @example.com, @.example.com, @.), fullname;
 *       an optional boolean column 'local' is not created (its absence makes a match local);
 *   <li>policy: id, policy_name and one column per {@link SqlLookups#IMPLIED_FIELDS} entry
 *       (char(1) Y/N booleans, real levels, varchar strings); NULL = no opinion;
 *   <li>mailaddr: id, priority, email (sender keys for white/black listing);
 *   <li>wblist: rid (users.id), sid (mailaddr.id), wb ('W', 'B', ' ' or a score boost).
 * </ul>
 */
public final class SqlSchema {
    private SqlSchema() {}

    /** The CREATE TABLE statements. */
    public static List<String> statements() {
        List<String> out = new ArrayList<>();
        out.add("CREATE TABLE policy (\n  id integer NOT NULL PRIMARY KEY,\n  policy_name varchar(32)" + policyColumns()
                + "\n)");
        out.add(
                "CREATE TABLE users (\n  id integer NOT NULL PRIMARY KEY,\n  priority integer NOT NULL DEFAULT 7,\n"
                        + "  policy_id integer NOT NULL DEFAULT 1,\n  email varchar(255) NOT NULL UNIQUE,\n  fullname varchar(255)\n)");
        out.add("CREATE TABLE mailaddr (\n  id integer NOT NULL PRIMARY KEY,\n  priority integer NOT NULL DEFAULT 9,\n"
                + "  email varchar(255) NOT NULL UNIQUE\n)");
        out.add("CREATE TABLE wblist (\n  rid integer NOT NULL,\n  sid integer NOT NULL,\n  wb varchar(10) NOT NULL,\n"
                + "  PRIMARY KEY (rid, sid)\n)");
        return out;
    }

    private static String policyColumns() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, SqlLookups.Field> e : SqlLookups.IMPLIED_FIELDS.entrySet()) {
            SqlLookups.Field f = e.getValue();
            if (f.column().equals("local")) continue;
            String type = switch (f.type()) {
                case BOOLEAN, BOOLEAN_ABSENT_TRUE -> "char(1)";
                case NUMERIC -> f.column().equals("message_size_limit") ? "integer" : "real";
                default -> f.column().endsWith("_to") || f.column().endsWith("_admin") ? "varchar(255)" : "varchar(64)";
            };
            b.append(",\n  ").append(f.column()).append(' ').append(type).append(" DEFAULT NULL");
        }
        return b.toString();
    }

    /** The schema as one script, statements ending in ";". */
    public static String script() {
        return String.join(";\n\n", statements()) + ";\n";
    }

    /** Creates the tables on this connection. */
    public static void create(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : statements()) st.execute(s);
        }
    }
}
