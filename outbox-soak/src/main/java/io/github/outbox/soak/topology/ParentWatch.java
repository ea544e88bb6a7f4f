package io.github.outbox.soak.topology;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every child JVM of the soak: runs the given main class and halts the JVM
 * when the soak's own JVM is gone, however it ended (even {@code kill -9}), so that no server
 * or service outlives it.
 *
 * @author Outbox contributors
 * @since 0.1.0
 */
public final class ParentWatch {

	private ParentWatch() {
	}

	public static void main(String[] args) throws Exception {
		ProcessHandle.current().parent().ifPresent((parent) -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
		Method main = Class.forName(args[0]).getMethod("main", String[].class);
		main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
	}

}
