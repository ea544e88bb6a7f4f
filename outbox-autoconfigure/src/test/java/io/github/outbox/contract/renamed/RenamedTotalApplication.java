package io.github.outbox.contract.renamed;

import io.github.outbox.testsupport.JdbcTestApplication;

/**
 * An application whose event classes are those of this package, for the registry's tests
 * that start the whole application with the relay.
 */
@JdbcTestApplication
public class RenamedTotalApplication {

}
