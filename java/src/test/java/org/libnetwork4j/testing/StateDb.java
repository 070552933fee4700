package org.libnetwork4j.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A state directory's {@code state.db} read and changed through a connection of its own, not
 * through the store: the oracle for what a killed or closed controller left on disk. Only for
 * a store that is closed (an open one holds the database's lock).
 */
public final class StateDb {
    private StateDb() {
    }

    /**
     * The first column of the first row of query, with its parameters.
     *
     * @return its value as text, or null if the query gave no row
     */
    public static String value(Path stateDir, String query, Object... params) throws SQLException {
        try (Connection db = connect(stateDir); PreparedStatement ps = prepare(db, query, params);
                ResultSet r = ps.executeQuery()) {
            return r.next() ? r.getString(1) : null;
        }
    }

    /** The rows of kind (an object kind's name) in the objects table. */
    public static int rows(Path stateDir, String kind) throws SQLException {
        return Integer.parseInt(value(stateDir, "SELECT count(*) FROM objects WHERE kind = ?", kind));
    }

    /** Runs statement, as something outside the store would change the database. */
    public static void execute(Path stateDir, String statement, Object... params) throws SQLException {
        try (Connection db = connect(stateDir); PreparedStatement ps = prepare(db, statement, params)) {
            ps.executeUpdate();
        }
    }

    private static Connection connect(Path stateDir) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + stateDir.resolve("state.db"));
    }

    private static PreparedStatement prepare(Connection db, String sql, Object... params) throws SQLException {
        PreparedStatement ps = db.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }
}
