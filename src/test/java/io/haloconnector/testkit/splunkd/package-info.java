/**
 * A stand-in for splunkd's REST API (storage/passwords, data/inputs, apps/local) for the Splunk
 * app's tests, built from Splunk's published response formats; test code only, never shipped.
 */
package io.haloconnector.testkit.splunkd;
