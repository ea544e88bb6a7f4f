package io.github.outbox.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;

/**
 * Adds the outbox migrations and their placeholders to the application's own Flyway, so that
 * they are applied with the application's migrations and recorded in its history table.
 */
final class SharedHistoryFlywayConfigurationCustomizer implements FlywayConfigurationCustomizer {

	private final OutboxTable table;

	SharedHistoryFlywayConfigurationCustomizer(OutboxTable table) {
		this.table = table;
	}

	@Override
	public void customize(FluentConfiguration configuration) {
		List<Location> locations = new ArrayList<>(List.of(configuration.getLocations()));
		locations.add(new Location(OutboxMigrations.LOCATION));
		configuration.locations(locations.toArray(Location[]::new));
		// Setting placeholders replaces them all: keep the application's.
		Map<String, String> placeholders = new HashMap<>(configuration.getPlaceholders());
		placeholders.putAll(OutboxMigrations.placeholders(this.table));
		configuration.placeholders(placeholders);
	}

}
