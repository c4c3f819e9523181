"""Village revitalization (农村基层党建): villages, cadres and money, inspections, weak-organization
rectification, the red beautiful village pilot, secretary projects and "511" pairing."""
