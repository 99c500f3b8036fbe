// The phase-1 report's business-impact arithmetic ("Business Impact Simulation"), and a variant where every
// abandoned cart contacted costs an intervention. Pure functions: the notebook feeds them dataset figures.

export interface ImpactInputs {
  /** Sessions that ended with a cart and no purchase. */
  abandonedCarts: number;
  /** Average value of a recovered cart, in currency units. */
  avgCartValue: number;
  /** Share of abandoned carts that the intervention recovers (0..1). */
  recoveryRate: number;
  /** Cost of one intervention, in currency units. */
  costPerIntervention: number;
}

export interface Impact {
  /** Expected recovered carts: abandonedCarts x recoveryRate (not rounded to whole carts). */
  recoveredCarts: number;
  /** Carts that receive (and pay for) an intervention. */
  interventions: number;
  abandonedValue: number;
  recoveredRevenue: number;
  interventionCost: number;
  netImpact: number;
  /** Cost per intervention at which net impact is zero for the given recovery rate. */
  breakEvenCost: number;
  /** Recovery rate at which net impact is zero for the given cost; null when no such rate exists. */
  breakEvenRecoveryRate: number | null;
}

/**
 * The report's model: cost = recovered carts x cost per intervention. Net impact = N r (V - c), so its sign does
 * not depend on the recovery rate: there is no break-even recovery rate (positive for every r > 0 when V > c,
 * negative for every r > 0 when V < c), and the break-even cost per intervention is V.
 */
export function reportModel(i: ImpactInputs): Impact {
  const recoveredCarts = i.abandonedCarts * i.recoveryRate;
  const recoveredRevenue = recoveredCarts * i.avgCartValue;
  const interventionCost = recoveredCarts * i.costPerIntervention;
  return {
    recoveredCarts,
    interventions: recoveredCarts,
    abandonedValue: i.abandonedCarts * i.avgCartValue,
    recoveredRevenue,
    interventionCost,
    netImpact: recoveredRevenue - interventionCost,
    breakEvenCost: i.avgCartValue,
    breakEvenRecoveryRate: null,
  };
}

/**
 * Every abandoned cart is contacted and each contact costs c: net impact = N (r V - c), zero at r = c / V (a
 * recovery rate above 1 means the intervention cannot pay for itself); break-even cost = r V.
 */
export function contactAllModel(i: ImpactInputs): Impact {
  const recoveredCarts = i.abandonedCarts * i.recoveryRate;
  const recoveredRevenue = recoveredCarts * i.avgCartValue;
  const interventionCost = i.abandonedCarts * i.costPerIntervention;
  return {
    recoveredCarts,
    interventions: i.abandonedCarts,
    abandonedValue: i.abandonedCarts * i.avgCartValue,
    recoveredRevenue,
    interventionCost,
    netImpact: recoveredRevenue - interventionCost,
    breakEvenCost: i.recoveryRate * i.avgCartValue,
    breakEvenRecoveryRate: i.avgCartValue > 0 ? i.costPerIntervention / i.avgCartValue : null,
  };
}
