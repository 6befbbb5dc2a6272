package org.emomc4j.hw;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** {@link EnergyModels#componentsByDataflow}: the stacked-bar data of notebook 06. */
class ComponentsByDataflowTest {

    @Test
    void componentsOfEachDataflowAddUpToItsTotal() {
        var vgg = NetworkSpec.vgg16();
        var plan = CompressionPlan.uniform(vgg, 0.4, 6);
        for (EnergyModel model : new EnergyModel[]{ReferenceEnergyModel.of(vgg), HierarchyEnergyModel.of(vgg, Accelerator.horowitz45())}) {
            var comps = EnergyModels.componentsByDataflow(model, plan);
            assertTrue(comps.size() >= 3, model.name() + ": " + comps.keySet());
            Dataflow[] flows = Dataflow.values();
            for (int d = 0; d < flows.length; d++) {
                double sum = 0;
                for (double[] v : comps.values()) sum += v[d];
                assertEquals(model.energy(plan, flows[d]), sum, 1e-9 * sum, model.name() + " " + flows[d]);
            }
        }
    }
}
