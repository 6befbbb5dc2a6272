package org.emomc4j.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The engine refuses a non-CPU ND4J backend with a message naming it and the fix. */
class EngineGuardTest {

    @Test
    void nonCpuBackendIsRefused() {
        org.emomc4j.util.UserError e = assertThrows(org.emomc4j.util.UserError.class,
                () -> Model.checkCpu(false, "org.nd4j.linalg.jcublas.JCublasBackend"));
        assertTrue(e.getMessage().contains("JCublasBackend") && e.getMessage().contains("nd4j-native"), e.getMessage());
        assertDoesNotThrow(() -> Model.checkCpu(true, "org.nd4j.linalg.cpu.nativecpu.CpuBackend"));
        assertDoesNotThrow(Model::requireCpuBackend, "this test JVM runs the CPU backend");
    }
}
