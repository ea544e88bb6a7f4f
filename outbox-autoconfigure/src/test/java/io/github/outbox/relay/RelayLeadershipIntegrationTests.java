package io.github.outbox.relay;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.outbox.devservices.EmbeddedPostgresServer;
import io.github.outbox.devservices.EmbeddedPostgresServer.Database;
import io.github.outbox.devservices.TcpProxy;
import io.github.outbox.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RelayLeadership} against PostgreSQL: how fast the lock passes to a standby,
 * and what the holder's renewals do for the slot.
 */
class RelayLeadershipIntegrationTests {

	// Longer than any wait these tests accept: an attempt that polled would not see the release.
	private static final Duration LONG_RENEWAL = Duration.ofSeconds(20);

	private static final Duration LEASE = Duration.ofSeconds(2);

	@Test
	void standbyTakesTheLockTheMomentTheHolderGivesItUp() throws Exception {
		Database database = TestDatabase.create("leadership_handover");
		try (RelayLeadership leader = leadership(database, LONG_RENEWAL);
				RelayLeadership standby = leadership(database, LONG_RENEWAL)) {
			assertThat(leader.acquire()).isTrue();
			CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> acquire(standby));
			awaitWaitingForTheLock(database);
			long released = System.nanoTime();
			leader.close();
			assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(Duration.ofSeconds(5));
			assertThat(standby.isHeld()).isTrue();
		}
	}

	@Test
	void waitingStandbyGivesUpAfterTheRenewalIntervalWhileTheHolderLives() throws Exception {
		Database database = TestDatabase.create("leadership_wait");
		try (RelayLeadership leader = leadership(database, LONG_RENEWAL);
				RelayLeadership standby = leadership(database, Duration.ofMillis(300))) {
			assertThat(leader.acquire()).isTrue();
			assertThat(standby.acquire()).isFalse();
			assertThat(standby.isHeld()).isFalse();
			assertThat(leader.isHeld()).isTrue();
		}
	}

	@Test
	void endingTheWaitReturnsAtOnce() throws Exception {
		Database database = TestDatabase.create("leadership_end_wait");
		try (RelayLeadership leader = leadership(database, LONG_RENEWAL);
				RelayLeadership standby = leadership(database, LONG_RENEWAL)) {
			assertThat(leader.acquire()).isTrue();
			CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> acquire(standby));
			awaitWaitingForTheLock(database);
			standby.endWait();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
				.havingCause()
				.havingCause()
				.isInstanceOf(SQLException.class);
			assertThat(leader.isHeld()).isTrue();
			// The next attempt opens a connection of its own again.
			leader.close();
			assertThat(standby.acquire()).isTrue();
		}
	}

	@Test
	void holderKeepsTheSlotsRestartPointCloseToItsConfirmedPosition() throws Exception {
		Database database = TestDatabase.create("leadership_restart_point");
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		jdbc.execute("CREATE TABLE written (id bigserial PRIMARY KEY, note text)");
		String slot = database.name() + "_slot";
		jdbc.queryForObject("SELECT lsn::text FROM pg_create_logical_replication_slot(?, 'pgoutput')", String.class,
				slot);
		try (RelayLeadership leader = leadership(database, Duration.ofMillis(200))) {
			assertThat(leader.acquire()).isTrue();
			Set<String> restartPoints = new LinkedHashSet<>();
			// PostgreSQL moves a restart point only at a record of the running transactions; its
			// background writer writes one every 15 s, so that without the holder's this would see
			// two restart points at most.
			await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
				jdbc.update("INSERT INTO written (note) VALUES ('a change the slot decodes')");
				jdbc.queryForObject("SELECT end_lsn::text FROM pg_replication_slot_advance(?, pg_current_wal_lsn())",
						String.class, slot);
				restartPoints.add(jdbc.queryForObject(
						"SELECT restart_lsn::text FROM pg_replication_slots WHERE slot_name = ?", String.class, slot));
				assertThat(restartPoints).hasSizeGreaterThanOrEqualTo(5);
			});
		}
		finally {
			jdbc.queryForObject("SELECT pg_drop_replication_slot(?)::text", String.class, slot);
		}
	}

	@Test
	void holderCutOffFromTheServerWithoutAWordLearnsWithinTheLeaseThatItNoLongerHoldsTheLock() throws Exception {
		Database database = TestDatabase.create("leadership_silent_network");
		try (TcpProxy network = new TcpProxy();
				RelayLeadership leader = new RelayLeadership(through(network, database), database.name() + "_slot",
						LEASE, Duration.ofMillis(200))) {
			network.forwardTo(EmbeddedPostgresServer.shared().port());
			assertThat(leader.acquire()).isTrue();
			network.silence();
			long silenced = System.nanoTime();
			try {
				// Without a network timeout its renewal waits for an answer for as long as TCP does.
				await().atMost(Duration.ofSeconds(15)).until(() -> !leader.isHeld());
				assertThat(Duration.ofNanos(System.nanoTime() - silenced)).isLessThan(LEASE.plusSeconds(3));
			}
			finally {
				// Closes the connections the silence kept open: nothing waits on them for ever.
				network.restore();
			}
		}
	}

	@Test
	void standbyCutOffFromTheServerWithoutAWordStopsWaitingWithinTheLease() throws Exception {
		Database database = TestDatabase.create("leadership_silent_standby");
		try (TcpProxy network = new TcpProxy();
				RelayLeadership leader = leadership(database, LONG_RENEWAL);
				RelayLeadership standby = new RelayLeadership(through(network, database), database.name() + "_slot",
						LEASE, Duration.ofMillis(500))) {
			network.forwardTo(EmbeddedPostgresServer.shared().port());
			assertThat(leader.acquire()).isTrue();
			assertThat(standby.acquire()).isFalse();
			network.silence();
			long silenced = System.nanoTime();
			CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> acquire(standby));
			try {
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> waiting.get(15, TimeUnit.SECONDS))
					.havingCause()
					.havingCause()
					.isInstanceOf(SQLException.class);
				assertThat(Duration.ofNanos(System.nanoTime() - silenced)).isLessThan(LEASE.plusSeconds(3));
			}
			finally {
				network.restore();
			}
			// Once the network is back, it waits in the lock queue again.
			leader.close();
			assertThat(standby.acquire()).isTrue();
		}
	}

	private static RelayLeadership leadership(Database database, Duration renewal) {
		return new RelayLeadership(database.dataSource(), database.name() + "_slot", Duration.ofSeconds(60), renewal);
	}

	private static PGSimpleDataSource through(TcpProxy network, Database database) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setURL("jdbc:postgresql://127.0.0.1:" + network.port() + "/" + database.name());
		dataSource.setUser(database.username());
		return dataSource;
	}

	private static boolean acquire(RelayLeadership leadership) {
		try {
			return leadership.acquire();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void awaitWaitingForTheLock(Database database) {
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		await().atMost(Duration.ofSeconds(10))
			.until(() -> jdbc.queryForObject(
					"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
							+ "(SELECT oid FROM pg_database WHERE datname = current_database())",
					Integer.class) == 1);
	}

}
