package org.emomc4j.util;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CsvTest {

    /** Law: any row of any strings reads back as written. */
    @Property(tries = 300)
    void rowsRoundTrip(@ForAll @Size(min = 1, max = 6) List<@Size(max = 12) String> fields) {
        String text = Csv.line(fields.toArray()) + "\n";
        List<String[]> rows = Csv.parse(text);
        boolean blank = fields.size() == 1 && fields.get(0).isEmpty();
        if (blank) {
            assertTrue(rows.isEmpty());
            return;
        }
        assertEquals(1, rows.size(), text);
        assertArrayEquals(fields.toArray(new String[0]), rows.get(0), text);
    }

    @Test
    void quotesOnlyWhatNeedsIt() {
        assertEquals("a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",3.5", Csv.line("a", "b,c", "say \"hi\"", "two\nlines", 3.5));
        assertThrows(IllegalArgumentException.class, () -> new Csv.Builder("x", "y").row(1));
        assertThrows(IllegalArgumentException.class, () -> Csv.parse("a,\"open"));
    }
}
