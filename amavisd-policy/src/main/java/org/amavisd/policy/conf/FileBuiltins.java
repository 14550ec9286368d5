package org.amavisd.policy.conf;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.amavisd.policy.regex.PerlRegex;

/**
 * The config helpers that read files: read_hash, read_array, read_text and Debian's
 * read_l10n_templates. A file that cannot be read is fatal, as in amavisd-new (its helpers die).
 * Relative file names are opened relative to the current directory, as Perl's open does, not
 * relative to the config file.
 */
final class FileBuiltins {
    /** Debian's charset file: leading comment lines, then a charset name, then anything. */
    private static final PerlRegex CHARSET_FILE =
            PerlRegex.of("^(?:\\#[^\\n]*\\n)*([^./\\n\\s]+)(\\s*[\\#\\n].*)?$", "s");
    /** Template variables read_l10n_templates sets, and their files. */
    private static final String[][] L10N_TEMPLATES = {
        {"$notify_sender_templ", "template-dsn.txt"},
        {"$notify_virus_sender_templ", "template-virus-sender.txt"},
        {"$notify_virus_admin_templ", "template-virus-admin.txt"},
        {"$notify_virus_recips_templ", "template-virus-recipient.txt"},
        {"$notify_spam_sender_templ", "template-spam-sender.txt"},
        {"$notify_spam_admin_templ", "template-spam-admin.txt"},
    };

    private FileBuiltins() {}

    /** read_hash([\%h,] FILE): fills the given hash (or a new one) and returns a reference to it. */
    static List<Object> readHash(Evaluator ev, Ast.Call c) throws ConfigException {
        List<Object> args = args(ev, c);
        Rt.Hash target = !args.isEmpty() && args.get(0) instanceof Rt.Ref r && r.target instanceof Rt.Hash h ? h : null;
        if (target != null) {
            args.remove(0);
        } else {
            target = new Rt.Hash();
        }
        String file = fileArg(args, c, "read_hash");
        boolean lpcs = Rt.truthy(ev.store().scalar("$localpart_is_case_sensitive").value);
        boolean trim = Rt.truthy(ev.store().scalar("$trim_trailing_space_in_lookup_result_fields").value);
        for (String line : lines(read(file, c.at()))) {
            String[] kv = LookupFiles.hashLine(line, lpcs, trim);
            if (kv != null) {
                target.map.put(kv[0], PerlValue.of(kv[1]));
            }
        }
        return List.of(new Rt.Ref(target));
    }

    /** read_array([\@a,] FILE): appends the file's addresses and returns a reference to the array. */
    static List<Object> readArray(Evaluator ev, Ast.Call c) throws ConfigException {
        List<Object> args = args(ev, c);
        Rt.Arr target = !args.isEmpty() && args.get(0) instanceof Rt.Ref r && r.target instanceof Rt.Arr a ? a : null;
        if (target != null) {
            args.remove(0);
        } else {
            target = new Rt.Arr();
        }
        String file = fileArg(args, c, "read_array");
        for (String line : lines(read(file, c.at()))) {
            String item = LookupFiles.arrayLine(line);
            if (item != null) {
                target.items.add(PerlValue.of(item));
            }
        }
        return List.of(new Rt.Ref(target));
    }

    /** read_text(FILE[, ENCODING]): the file's text; without an encoding its bytes, one character each. */
    static List<Object> readText(Evaluator ev, Ast.Call c) throws ConfigException {
        List<Object> args = args(ev, c);
        String file = fileArg(args, c, "read_text");
        String enc = args.size() > 1 && Rt.truthy(args.get(1)) ? Rt.str(args.get(1)) : null;
        return List.of(PerlValue.of(text(file, enc, c.at())));
    }

    /**
     * read_l10n_templates(DIR) or Debian's read_l10n_templates(LANG, BASEDIR): reads the charset
     * file and the six notification templates of DIR into their $notify_*_templ variables.
     */
    static List<Object> readL10nTemplates(Evaluator ev, Ast.Call c) throws ConfigException {
        List<Object> args = args(ev, c);
        if (args.isEmpty()) {
            throw new ConfigException(c.at(), "read_l10n_templates needs a directory");
        }
        String dir = args.size() > 1 ? Rt.str(args.get(1)) + "/" + Rt.str(args.get(0)) : Rt.str(args.get(0));
        String chset = text(dir + "/charset", null, c.at());
        Matcher m = CHARSET_FILE.matcher(chset);
        if (!m.find()) {
            throw new ConfigException(c.at(), "Invalid charset " + chset.strip() + " (in " + dir + "/charset)");
        }
        for (String[] t : L10N_TEMPLATES) {
            String value = text(dir + "/" + t[1], m.group(1), c.at());
            ev.store().scalar(t[0]).value = PerlValue.of(value);
            ev.noteAssignment(t[0], c.at());
        }
        return List.of(PerlValue.of(1));
    }

    static String text(String file, String encoding, Origin at) throws ConfigException {
        byte[] bytes = read(file, at);
        if (encoding == null) {
            // Perl without an encoding layer: one character per byte
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        return new String(bytes, charset(encoding, file, at));
    }

    /** Perl's Encode names: utf8 (lax) and UTF-8 are both UTF-8 here; others as Java knows them. */
    private static Charset charset(String name, String file, Origin at) throws ConfigException {
        String n = name.trim();
        if (n.equalsIgnoreCase("utf8") || n.equalsIgnoreCase("utf-8-strict")) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(n);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at, "Can't set :encoding(" + n + ") on file " + file + ": unknown encoding");
        }
    }

    private static byte[] read(String file, Origin at) throws ConfigException {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(at, "Can't open file " + file + " for reading: No such file or directory");
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(at, "Can't open file " + file + " for reading: " + e.getMessage());
        }
    }

    /** Lines as Perl's getline and chomp give them: split at \n only, a final empty piece dropped. */
    private static List<String> lines(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        List<String> out = new ArrayList<>(List.of(s.split("\n", -1)));
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    private static List<Object> args(Evaluator ev, Ast.Call c) throws ConfigException {
        List<Object> args = new ArrayList<>();
        for (Ast.Expr a : c.args()) {
            args.addAll(ev.list(a));
        }
        return args;
    }

    private static String fileArg(List<Object> args, Ast.Call c, String fn) throws ConfigException {
        if (args.isEmpty() || !(args.get(0) instanceof PerlValue.Str)) {
            throw new ConfigException(c.at(), fn + " needs a file name");
        }
        return Rt.str(args.get(0));
    }
}
