package io.github.outbox.connect;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Replaces a header that holds a JSON object with one string header per member of the
 * object, and drops the header when its value is null.
 * <p>
 * The outbox keeps the headers given with an event in one {@code jsonb} column, which
 * Debezium's Outbox Event Router can only place as a single header; this transform, applied
 * after the router, gives consumers the headers one by one.
 * <pre class="code">
 * transforms=outbox,headers
 * transforms.headers.type=io.github.outbox.connect.ExpandJsonHeader
 * transforms.headers.header=outbox-headers
 * </pre>
 *
 * @param <R> the type of record
 * @author Outbox contributors
 * @since 0.1.0
 */
public class ExpandJsonHeader<R extends ConnectRecord<R>> implements Transformation<R> {

	/**
	 * Name of the configuration property naming the header to expand.
	 */
	public static final String HEADER_CONFIG = "header";

	/**
	 * Header expanded when none is configured.
	 */
	public static final String DEFAULT_HEADER = "outbox-headers";

	private static final ConfigDef CONFIG_DEF = new ConfigDef().define(HEADER_CONFIG, ConfigDef.Type.STRING,
			DEFAULT_HEADER, ConfigDef.Importance.MEDIUM, "Name of the header holding a JSON object of headers");

	private static final ObjectMapper objectMapper = new ObjectMapper();

	private String header = DEFAULT_HEADER;

	@Override
	public void configure(Map<String, ?> configs) {
		this.header = new AbstractConfig(CONFIG_DEF, configs).getString(HEADER_CONFIG);
	}

	@Override
	public R apply(R record) {
		Header json = record.headers().lastWithName(this.header);
		if (json == null) {
			return record;
		}
		Headers headers = record.headers().duplicate();
		headers.remove(this.header);
		if (json.value() != null) {
			addMembers(headers, json.value().toString());
		}
		return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
				record.valueSchema(), record.value(), record.timestamp(), headers);
	}

	private void addMembers(Headers headers, String json) {
		JsonNode object;
		try {
			object = objectMapper.readTree(json);
		}
		catch (JsonProcessingException ex) {
			throw new DataException("Header '" + this.header + "' is not valid JSON: " + ex.getOriginalMessage(), ex);
		}
		if (!object.isObject()) {
			throw new DataException("Header '" + this.header + "' is not a JSON object");
		}
		for (Iterator<Map.Entry<String, JsonNode>> members = object.fields(); members.hasNext();) {
			Map.Entry<String, JsonNode> member = members.next();
			JsonNode value = member.getValue();
			if (!value.isNull()) {
				headers.addString(member.getKey(), value.isValueNode() ? value.asText() : value.toString());
			}
		}
	}

	@Override
	public ConfigDef config() {
		return CONFIG_DEF;
	}

	@Override
	public void close() {
	}

}
