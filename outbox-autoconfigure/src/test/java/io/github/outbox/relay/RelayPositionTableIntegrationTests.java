package io.github.outbox.relay;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.github.outbox.devservices.EmbeddedPostgresServer.Database;
import io.github.outbox.relay.RelayPositionTable.PendingReplay;
import io.github.outbox.testsupport.OutboxContextRunner;
import io.github.outbox.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RelayPositionTable} against PostgreSQL, on a database the outbox migrations
 * made.
 */
class RelayPositionTableIntegrationTests {

	private static final String KEY = "[\"outbox-relay\",{\"server\":\"outbox\"}]";

	@Test
	void positionIsOnlyEverReplacedByOneFurtherIntoTheWal() {
		RelayPositionTable table = migratedTable("position_monotonic");
		table.save(offset(2000));
		// An instance that lost the relay records its older position on its way out.
		table.save(offset(1000));
		assertThat(table.read().lsn()).isEqualTo(2000);
		table.save(offset(3000));
		assertThat(table.read().lsn()).isEqualTo(3000);
		assertThat(table.load()).containsOnlyKeys(KEY);
	}

	@Test
	void pendingReplayIsKeptApartFromTheEngineOffsetsAndGoesWithThemInOneTransaction() {
		RelayPositionTable table = migratedTable("position_pending");
		table.save(offset(1000));
		Instant early = Instant.parse("2026-11-30T10:00:00Z");
		table.pending(new PendingReplay(Instant.parse("2026-11-30T11:00:00Z"), null, false));
		table.pending(new PendingReplay(early, null, true));
		assertThat(table.pending()).isEqualTo(new PendingReplay(early, null, true));
		assertThat(table.load()).as("what the engine sees").containsOnlyKeys(KEY);
		assertThat(table.read().lsn()).isEqualTo(1000);

		try {
			table.startFromTheSlot((jdbc) -> {
				throw new IllegalStateException("the replay could not be asked for");
			});
		}
		catch (IllegalStateException ex) {
			// rolled back: still pending
		}
		assertThat(table.pending()).isNotNull();
		table.startFromTheSlot((jdbc) -> {
		});
		assertThat(table.pending()).isNull();
		assertThat(table.read()).isNull();
	}

	@Test
	void unfinishedReplaysAreReadFromTheEngineOffset() {
		String offset = "{\"lsn\":5,\"incremental_snapshot_collections\":\"[{\\\"incremental_snapshot_collections_id\\\":"
				+ "\\\"public.outbox_event\\\",\\\"incremental_snapshot_collections_additional_condition\\\":"
				+ "\\\"created_at >= '2026-11-30 10:00:00'\\\",\\\"incremental_snapshot_collections_surrogate_key\\\":"
				+ "\\\"id\\\"}]\"}";
		assertThat(RelayPositionTable.StoredPosition.of(offset, 1, null).unfinishedReplays())
			.containsExactly("created_at >= '2026-11-30 10:00:00'");
	}

	private static Map<String, String> offset(long lsn) {
		Map<String, String> offsets = new HashMap<>();
		offsets.put(KEY, "{\"lsn\":" + (lsn + 5) + ",\"lsn_proc\":" + (lsn + 5) + ",\"lsn_commit\":" + lsn + ",\"ts_usec\":1700000000000000}");
		return offsets;
	}

	private static RelayPositionTable migratedTable(String prefix) {
		Database database = TestDatabase.create(prefix);
		OutboxContextRunner.jdbcApplication()
			.withPropertyValues("spring.datasource.url=" + database.jdbcUrl(),
					"spring.datasource.username=" + database.username())
			.run((context) -> assertThat(new JdbcTemplate(database.dataSource())
				.queryForObject("SELECT count(*) FROM outbox_relay_position", Integer.class)).isZero());
		return new RelayPositionTable(database.dataSource(),
				new io.github.outbox.schema.OutboxTableProperties().toTable(), prefix + "_slot");
	}

}
