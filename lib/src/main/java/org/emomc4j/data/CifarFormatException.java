package org.emomc4j.data;

/**
 * A CIFAR-10 file is missing or malformed. The message names the file, the offending record
 * and how to fix it; a dataset is never returned partially loaded.
 */
public class CifarFormatException extends org.emomc4j.util.UserError {
    public CifarFormatException(String message) { super(message); }
    public CifarFormatException(String message, Throwable cause) { super(message, cause); }
}
