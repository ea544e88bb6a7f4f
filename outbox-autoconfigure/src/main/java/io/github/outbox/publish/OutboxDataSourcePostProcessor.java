package io.github.outbox.publish;

import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.aopalliance.intercept.MethodInterceptor;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.function.SingletonSupplier;

/**
 * Hands out the outbox {@code DataSource}'s connections as {@link OutboxConnection}s, which
 * write a transaction's outbox rows with its commit. The bean is proxied as Spring AOP does it:
 * a subclass of its own class where possible, so that it can still be injected as what it is
 * ({@code HikariDataSource}) and Spring Boot's {@code DataSourceUnwrapper} finds the pool
 * behind it.
 */
final class OutboxDataSourcePostProcessor implements BeanPostProcessor, BeanFactoryAware {

	private final Supplier<OutboxWriter> writer;

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	OutboxDataSourcePostProcessor(ObjectProvider<OutboxWriter> writer) {
		this.writer = SingletonSupplier.of(writer::getObject);
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ConfigurableListableBeanFactory listable) ? listable : null;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof DataSource) || !isOutboxDataSource(beanName)) {
			return bean;
		}
		ProxyFactory proxy = new ProxyFactory(bean);
		proxy.setProxyTargetClass(!Modifier.isFinal(bean.getClass().getModifiers()));
		proxy.addAdvice((MethodInterceptor) (invocation) -> {
			Object result = invocation.proceed();
			return (result instanceof Connection connection && invocation.getMethod().getName().equals("getConnection"))
					? OutboxConnection.wrap(connection, this.writer) : result;
		});
		return proxy.getProxy(bean.getClass().getClassLoader());
	}

	// The DataSource the outbox auto-configuration uses: the single candidate.
	private boolean isOutboxDataSource(String beanName) {
		if (this.beanFactory == null) {
			return false;
		}
		String[] names = this.beanFactory.getBeanNamesForType(DataSource.class, true, false);
		if (names.length == 1) {
			return names[0].equals(beanName);
		}
		return this.beanFactory.containsBeanDefinition(beanName)
				&& this.beanFactory.getBeanDefinition(beanName).isPrimary();
	}

}
