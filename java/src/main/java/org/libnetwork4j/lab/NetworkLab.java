package org.libnetwork4j.lab;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test a {@link Lab}:
 * <ul>
 * <li>on a field of type {@code Lab}: an instance field gets a fresh lab for each test, a static
 *     field one lab for the whole class;</li>
 * <li>on the class (or a parameter): each test method's {@code Lab} parameter gets a fresh
 *     lab.</li>
 * </ul>
 * The lab is closed after the test (after the class for a static field) whether it passed or
 * failed, and a failure to remove it fails the test. Without root the tests are skipped.
 *
 * <pre>{@code
 * @NetworkLab(hosts = 3) Lab lab;   // hosts h1, h2 and h3, ready
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(NetworkLabExtension.class)
public @interface NetworkLab {
    /**
     * Hosts made before the test runs, named h1, h2, ... (more can be made with {@link Lab#host}).
     *
     * @return how many hosts to make; 0, the default, for none
     */
    int hosts() default 0;
}
