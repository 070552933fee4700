package org.libnetwork4j.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's lab examples, word for word between the markers: they must keep working. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeExamplesTest {
    @NetworkLab(hosts = 3)
    Lab lab;

    @Test
    void httpClientTimesOutDuringAPartition() throws Exception {
        // README: http
        LabSandbox c1 = lab.host("h1").sandbox("c1"), c2 = lab.host("h1").sandbox("c2");
        HttpServer server = c1.call(() -> HttpServer.create(new InetSocketAddress(80), 0)); // listens in c1
        server.createContext("/", x -> { x.getResponseHeaders().set("Connection", "close"); x.sendResponseHeaders(200, -1); });
        server.start();
        Callable<Integer> get = () -> { var c = (HttpURLConnection) new URL("http://" + c1.ip() + "/").openConnection();
            c.setConnectTimeout(500); return c.getResponseCode(); };
        Fault cut = lab.partition(c1, c2);
        assertThrows(SocketTimeoutException.class, () -> c2.call(get));
        cut.heal();
        assertEquals(200, c2.call(get)); server.stop(0); // stop it: HttpServer.create started a timer thread in c1
        // README: end
    }

    /** The code between the markers below, dedented, is in the README as it is here. */
    @Test
    void theReadmeShowsTheseExamplesWordForWord() throws Exception {
        java.nio.file.Path here = java.nio.file.Path.of("src/test/java/org/libnetwork4j/lab/ReadmeExamplesTest.java");
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
        List<String> lines = java.nio.file.Files.readAllLines(here);
        int examples = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith("// README: ") && !lines.get(i).strip().equals("// README: end")) {
                StringBuilder block = new StringBuilder();
                for (int j = i + 1; !lines.get(j).strip().equals("// README: end"); j++) {
                    block.append(lines.get(j).length() >= 8 ? lines.get(j).substring(8) : lines.get(j).strip()).append('\n');
                }
                assertTrue(readme.contains("```java\n" + block + "```"), "README lacks:\n" + block);
                assertTrue(block.toString().lines().count() <= 10, "at most 10 lines");
                examples++;
            }
        }
        assertEquals(2, examples);
    }

    @Test
    void threeHosts() {
        // README: hosts
        LabSandbox a = lab.host("h1").sandbox("a"), b = lab.host("h2").sandbox("b");
        assertTrue(a.exec("ping", "-c1", "-W1", "10.250.0.2").ok());        // h2's underlay address
        Fault alone = lab.partition(List.of(lab.host("h1")), List.of(lab.host("h2"), lab.host("h3")));
        assertFalse(a.exec("ping", "-c1", "-W1", "10.250.0.2").ok());
        assertTrue(b.exec("ping", "-c1", "-W1", "10.250.0.3").ok());        // h2 still reaches h3
        alone.heal();
        // README: end
    }
}
