package no.kostra;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that generates submissions and runs them through ingest, compute or a release
 * (minutes, not seconds). {@code bin/test --fast} leaves these out: the unit, rule-table and
 * small Spark tests that remain answer in a few minutes, for every change.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("end-to-end")
public @interface EndToEnd {}
