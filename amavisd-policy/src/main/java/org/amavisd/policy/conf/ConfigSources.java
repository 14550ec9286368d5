package org.amavisd.policy.conf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Finds and reads config files: a single file, or a Debian conf.d directory with run-parts rules. */
final class ConfigSources {
    /** run-parts(8) only considers names made of these characters; this skips *.dpkg-old, *~ etc. */
    private static final Pattern RUN_PARTS_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private ConfigSources() {}

    static List<Path> resolve(Path fileOrDir) throws ConfigException {
        Origin at = new Origin(fileOrDir.toString(), 0, 0);
        if (Files.isDirectory(fileOrDir)) {
            List<Path> out = new ArrayList<>();
            try (Stream<Path> s = Files.list(fileOrDir)) {
                s.filter(Files::isRegularFile)
                        .filter(p -> RUN_PARTS_NAME
                                .matcher(p.getFileName().toString())
                                .matches())
                        .sorted((a, b) -> a.getFileName()
                                .toString()
                                .compareTo(b.getFileName().toString()))
                        .forEach(out::add);
            } catch (IOException e) {
                throw new ConfigException(at, "cannot list config directory: " + e.getMessage(), e);
            }
            return out;
        }
        if (!Files.isRegularFile(fileOrDir)) {
            throw new ConfigException(at, "config file not found");
        }
        return List.of(fileOrDir);
    }

    /** Config files are usually ASCII; UTF-8 is tried first and Latin-1 accepted as a fallback. */
    static String read(Path file) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(
                    new Origin(file.toString(), 0, 0), "cannot read config file: " + e.getMessage(), e);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }
}
