package org.libnetwork4j;

/**
 * The controller's state directory is held by another controller, of this process or another
 * one, for longer than {@link ControllerConfig#lockWait}: a second writer is locked out. The
 * message names the holder.
 */
public class StateDirectoryInUseException extends ForbiddenException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is held and by whom
     */
    public StateDirectoryInUseException(String message) {
        super(message);
    }

    private StateDirectoryInUseException(String message, StateDirectoryInUseException cause) {
        super(message, 0, "", "", cause);
    }

    @Override
    protected NetworkException rebuild(String message) {
        return new StateDirectoryInUseException(message, this);
    }
}
