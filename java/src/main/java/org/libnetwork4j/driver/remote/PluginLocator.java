package org.libnetwork4j.driver.remote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.libnetwork4j.InvalidParameterException;

/**
 * Finds a Docker plugin by name as dockerd's plugin registry (v1 plugins) does: a socket
 * {@code NAME.sock} or {@code NAME/NAME.sock} in the socket directory, else the first spec file
 * {@code NAME.spec} or {@code NAME.json} (each also as {@code NAME/NAME.ext}) in the spec
 * directories, in order. A spec file holds the plugin's address on one line
 * ({@code unix:///path}, {@code tcp://host:port}); a json one {@code {"Name":..,"Addr":..}}.
 * Nothing is cached: a plugin installed after the controller opened is found.
 */
public final class PluginLocator {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** S_IFMT and S_IFSOCK of stat(2): Java's file attributes do not tell a socket apart. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final Path socketDir;
    private final List<Path> specDirs;

    /**
     * A locator over these directories.
     *
     * @param socketDir where plugins put their sockets (dockerd's: /run/docker/plugins)
     * @param specDirs  where spec files are, searched in order (dockerd's:
     *                  /etc/docker/plugins, /usr/lib/docker/plugins)
     */
    public PluginLocator(Path socketDir, List<Path> specDirs) {
        this.socketDir = socketDir;
        this.specDirs = List.copyOf(specDirs);
    }

    /**
     * Whether name can name a plugin: a file name, as dockerd takes it (letters, digits and
     * {@code _ . -}, not starting with a dot), so that no name reaches outside the directories.
     *
     * @param name a driver type
     * @return true if it may be looked up
     */
    public static boolean isPluginName(String name) {
        return name != null && name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    }

    /**
     * The address of the plugin of this name.
     *
     * @param name the plugin's name
     * @return its address ({@code unix:///path} or what its spec file says), or empty if no
     *         socket or spec file is there, or name cannot name a plugin
     * @throws InvalidParameterException if its spec file cannot be read or names no address
     */
    public Optional<String> find(String name) {
        if (!isPluginName(name)) {
            return Optional.empty();
        }
        for (Path p : candidates(socketDir, name, ".sock")) {
            if (isSocket(p)) {
                return Optional.of("unix://" + p.toAbsolutePath());
            }
        }
        for (Path dir : specDirs) {
            List<Path> specs = new ArrayList<>(candidates(dir, name, ".spec"));
            specs.addAll(candidates(dir, name, ".json"));
            for (Path p : specs) {
                if (Files.isRegularFile(p)) {
                    return Optional.of(readSpec(name, p));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Where plugins are looked for, for messages.
     *
     * @return the socket directory and the spec directories, comma-separated
     */
    public String searched() {
        List<String> l = new ArrayList<>();
        l.add(socketDir.toString());
        specDirs.forEach(d -> l.add(d.toString()));
        return String.join(", ", l);
    }

    private static List<Path> candidates(Path dir, String name, String ext) {
        return List.of(dir.resolve(name + ext), dir.resolve(name).resolve(name + ext));
    }

    private static boolean isSocket(Path p) {
        try {
            Object mode = Files.getAttribute(p, "unix:mode");
            return mode instanceof Integer m && (m & S_IFMT) == S_IFSOCK;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // not there (the common case), or not a file system that says
        }
    }

    private static String readSpec(String name, Path p) {
        String text;
        try {
            text = Files.readString(p).trim();
        } catch (IOException e) {
            throw new InvalidParameterException("plugin \"" + name + "\": read " + p + ": " + e.getMessage());
        }
        String address = text;
        if (p.getFileName().toString().endsWith(".json")) {
            try {
                JsonNode n = JSON.readTree(text);
                address = n == null ? "" : n.path("Addr").asText("").trim();
            } catch (IOException e) {
                throw new InvalidParameterException("plugin \"" + name + "\": " + p + " is not JSON: "
                        + e.getMessage());
            }
        }
        if (address.isEmpty() || !address.contains("://")) {
            throw new InvalidParameterException("plugin \"" + name + "\": " + p
                    + " names no address (unix:///path or tcp://host:port)");
        }
        return address;
    }

    @Override
    public String toString() {
        return "plugins in " + searched();
    }
}
