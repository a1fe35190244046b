/**
 * A fake Splunk HTTP Event Collector for tests and the benchmark; test code only, never shipped.
 */
package io.haloconnector.testkit.hec;
