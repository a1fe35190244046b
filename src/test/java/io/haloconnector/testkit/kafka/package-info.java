/**
 * A real Kafka broker (KRaft, one node) for the Kafka output's tests; test code only, never shipped.
 */
package io.haloconnector.testkit.kafka;
