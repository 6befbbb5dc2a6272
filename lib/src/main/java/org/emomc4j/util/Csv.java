package org.emomc4j.util;

import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The toolkit's one way to write and read CSV (RFC 4180): a field holding a comma, a quote or a
 * line break is quoted, quotes doubled. Files are written atomically ({@link AtomicFiles}).
 * Tablesaw tables go through Tablesaw's own writer and reader, which quote the same way.
 */
public final class Csv {
    private Csv() { }

    /** One field, quoted when it must be. */
    public static String field(Object value) {
        String s = String.valueOf(value);
        boolean quote = false;
        for (int i = 0; i < s.length() && !quote; i++) {
            char c = s.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** One line (without its line break). */
    public static String line(Object... fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.length; i++) sb.append(i == 0 ? "" : ",").append(field(fields[i]));
        return sb.toString();
    }

    /** A whole file's text: a header and rows, each row a line of fields. */
    public static final class Builder {
        private final StringBuilder text = new StringBuilder();
        private final int columns;

        public Builder(String... header) {
            columns = header.length;
            text.append(line((Object[]) header)).append('\n');
        }

        public Builder row(Object... fields) {
            if (fields.length != columns)
                throw new IllegalArgumentException("a row of " + fields.length + " fields under a header of " + columns);
            text.append(line(fields)).append('\n');
            return this;
        }

        public String text() { return text.toString(); }

        /** Writes the file atomically. */
        public void write(Path file) throws IOException { AtomicFiles.writeString(file, text()); }
    }

    /** The rows of a CSV file without its header (empty when the file does not exist). */
    public static List<String[]> readRows(Path file) throws IOException {
        if (!Files.exists(file)) return List.of();
        List<String[]> rows = parse(Files.readString(file, StandardCharsets.UTF_8));
        return rows.isEmpty() ? rows : rows.subList(1, rows.size());
    }

    /** Parses CSV text into rows of fields (quoted fields may hold commas, quotes and line breaks; blank lines are skipped). */
    public static List<String[]> parse(String text) {
        List<String[]> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false, any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') { f.append('"'); i++; }
                else if (c == '"') quoted = false;
                else f.append(c);
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                row.add(f.toString());
                f.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
                if (any || f.length() > 0) {
                    row.add(f.toString());
                    rows.add(row.toArray(new String[0]));
                }
                row.clear();
                f.setLength(0);
                any = false;
            } else {
                f.append(c);
            }
        }
        if (quoted) throw new IllegalArgumentException("CSV ends inside a quoted field");
        if (any || f.length() > 0) {
            row.add(f.toString());
            rows.add(row.toArray(new String[0]));
        }
        return rows;
    }

    /** Writes a Tablesaw table atomically. */
    public static void write(Path file, Table table) throws IOException {
        StringWriter w = new StringWriter();
        table.write().csv(w);
        AtomicFiles.writeString(file, w.toString());
    }

    /** Reads a table written by {@link #write(Path, Table)}. */
    public static Table read(Path file) throws IOException {
        return Table.read().csv(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
    }

}
