// The build fails (invoker.buildResult=failure); it must fail for the reason a user can act on.
def log = new File(basedir, 'build.log').text
assert log.contains('The embedded Kafka broker of outbox-dev-services needs Kafka')
assert log.contains('set <kafka.version>')
assert !log.contains('NoClassDefFoundError')
