package io.haloconnector.hec;

import java.io.IOException;

/** The HEC sink was closed while it was still delivering: the batch was not confirmed, so the checkpoint must not move. */
public class HecSinkClosedException extends IOException {
    public HecSinkClosedException() {
        super("the HEC output was closed before its events were delivered");
    }
}
