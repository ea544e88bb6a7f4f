package io.github.outbox.devservices;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;

import org.jspecify.annotations.Nullable;

/**
 * This machine's first IPv4 address other than loopback, to prove a server cannot be reached
 * there.
 */
final class ExternalAddress {

	private ExternalAddress() {
	}

	static @Nullable InetAddress find() throws SocketException {
		return NetworkInterface.networkInterfaces()
			.filter(ExternalAddress::isUpAndNotLoopback)
			.flatMap(NetworkInterface::inetAddresses)
			.filter((address) -> address instanceof Inet4Address)
			.findFirst()
			.orElse(null);
	}

	static void connect(InetAddress address, int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(address, port), 2_000);
		}
	}

	private static boolean isUpAndNotLoopback(NetworkInterface network) {
		try {
			return network.isUp() && !network.isLoopback();
		}
		catch (SocketException ex) {
			return false;
		}
	}

}
